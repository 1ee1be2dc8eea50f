// A lean gRPC unary caller over node:http2, for the load generator only. grpc-js costs the
// load process about 0.8 ms of CPU per call on this machine (2.6× the apiserver's own cost per
// create), so on 2 shared cores the benchmark mostly measured its own client. This speaks the
// same wire protocol (length-prefixed messages, grpc-status trailers) with none of grpc-js's
// channel machinery; the apiserver cannot tell the difference.
import * as http2 from 'node:http2';

export class GrpcCallError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(`gRPC status ${code}: ${message}`);
  }
}

const HEADERS = { ':method': 'POST', 'content-type': 'application/grpc', te: 'trailers' };

/** Frames one protobuf message as a gRPC request body (uncompressed). */
function frame(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  out.set(message, 5);
  return out;
}

/** One HTTP/2 connection; `call` sends a unary request and resolves with the reply message's bytes. */
export class H2UnaryClient {
  private readonly session: http2.ClientHttp2Session;

  constructor(address: string) {
    this.session = http2.connect(`http://${address}`);
    this.session.on('error', () => undefined); // each call reports its own failure
  }

  call(path: string, message: Uint8Array): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const stream = this.session.request({ ...HEADERS, ':path': path });
      const chunks: Buffer[] = [];
      let status = -1;
      let detail = '';
      const takeStatus = (h: http2.IncomingHttpHeaders): void => {
        if (h['grpc-status'] !== undefined) {
          status = Number(h['grpc-status']);
          detail = decodeURIComponent(String(h['grpc-message'] ?? ''));
        }
      };
      stream.on('response', takeStatus); // a trailers-only reply carries the status here
      stream.on('trailers', takeStatus);
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', reject);
      stream.on('end', () => {
        if (status !== 0) return reject(new GrpcCallError(status, detail || 'no grpc-status'));
        const body = Buffer.concat(chunks);
        resolve(body.subarray(5, 5 + body.readUInt32BE(1)));
      });
      stream.end(frame(message));
    });
  }

  close(): void {
    this.session.close();
  }
}
