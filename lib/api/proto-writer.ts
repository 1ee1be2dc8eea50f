import type * as grpc from '@grpc/grpc-js';
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { ApiService, protoMetadata, type ProtoMetadata } from '../../proto/gen/berth/v1/api';

// ts-proto's generated code encodes every message into a fresh BinaryWriter, whose buffer
// starts at 128 bytes and is copied at each doubling: for a 700-byte Pod that is 3-5× the
// encode itself (measured 58 → 12 µs per Pod). Every component encodes pods all day (requests,
// replies, stored values, watch events), so encodes go through one writer per thread, reused;
// finish() copies the bytes out and keeps the grown buffer.

interface MessageCodec<T> {
  encode(message: T, writer?: BinaryWriter): BinaryWriter;
}

let shared = new BinaryWriter();

/** The message's protobuf encoding, as a Buffer over fresh bytes. */
export function encodeMessage<T>(codec: MessageCodec<T>, message: T): Buffer {
  let bytes: Uint8Array;
  try {
    bytes = codec.encode(message, shared).finish();
  } catch (err) {
    // An encode that throws half-way leaves the writer mid-message: start a new one.
    shared = new BinaryWriter();
    throw err;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function findCodec(metadata: ProtoMetadata, typeName: string): MessageCodec<unknown> | undefined {
  const here = metadata.references[typeName] as MessageCodec<unknown> | undefined;
  if (here) return here;
  for (const dep of metadata.dependencies ?? []) {
    const found = findCodec(dep, typeName);
    if (found) return found;
  }
  return undefined;
}

type Definition = Record<string, grpc.MethodDefinition<unknown, unknown>>;

/**
 * A service definition whose serializers encode through the shared writer. Codecs are found by
 * the method's input and output types in the generated descriptor, so a new method needs no
 * change here.
 */
export function withSharedWriter<D extends object>(definition: D, metadata: ProtoMetadata, serviceName: string): D {
  const pkg = metadata.fileDescriptor.package;
  const service = metadata.fileDescriptor.service.find((s) => s.name === serviceName);
  if (!service) throw new Error(`service ${serviceName} is not in ${metadata.fileDescriptor.name}`);
  const out: Definition = { ...(definition as Definition) };
  for (const [key, method] of Object.entries(out)) {
    const desc = service.method.find((m) => method.path === `/${pkg}.${serviceName}/${m.name}`);
    const input = desc && findCodec(metadata, desc.inputType);
    const output = desc && findCodec(metadata, desc.outputType);
    if (!input || !output) throw new Error(`no codecs for ${method.path} in the generated descriptor`);
    out[key] = { ...method, requestSerialize: (v: unknown) => encodeMessage(input, v), responseSerialize: (v: unknown) => encodeMessage(output, v) };
  }
  return out as D;
}

/** The API service definition with shared-writer serializers, for clients and the server. */
export const API_SERVICE = withSharedWriter(ApiService, protoMetadata, 'Api');
