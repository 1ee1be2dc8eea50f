import type { Command } from 'commander';
import { CONTROLLER_HEAP_GROWING_PERCENT, HEAP_GROWING_FLAG, HEAP_GROWING_HELP, setHeapGrowingPercent } from './heap-growth';
import { CONTROLLER_YOUNG_GENERATION_MB, YOUNG_GENERATION_FLAG, YOUNG_GENERATION_HELP, capYoungGeneration } from './young-generation';

/** How a control-plane process trades GC CPU for memory. */
export interface MemoryFlags {
  heapGrowingPercent: number;
  youngGenerationMb: number;
}

/** The scheduler's and controller-manager's defaults (bench/RESULTS.md, sessions 3 and 5). */
export const CONTROLLER_MEMORY: MemoryFlags = { heapGrowingPercent: CONTROLLER_HEAP_GROWING_PERCENT, youngGenerationMb: CONTROLLER_YOUNG_GENERATION_MB };

/** Adds --heap-growing-percent and --young-generation-mb to a command, with its own defaults. */
export function withMemoryFlags(cmd: Command, defaults: MemoryFlags): Command {
  return cmd.option(HEAP_GROWING_FLAG, HEAP_GROWING_HELP, Number, defaults.heapGrowingPercent).option(YOUNG_GENERATION_FLAG, YOUNG_GENERATION_HELP, Number, defaults.youngGenerationMb);
}

/** Applies the flags: first thing in the command's action, before the component allocates. */
export function applyMemoryFlags(o: MemoryFlags): void {
  setHeapGrowingPercent(o.heapGrowingPercent);
  capYoungGeneration(o.youngGenerationMb);
}
