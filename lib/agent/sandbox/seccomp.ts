/**
 * A seccomp filter for the sandbox (bwrap's `--seccomp FD`): a classic-BPF program, built here
 * because it is a few dozen bytes and libseccomp is not a Node dependency. It refuses, with ENOSYS
 * (what a program sees on a kernel without the call, so tools fall back, as libuv does for io_uring),
 * the system calls an agent never needs and that have been the kernel's recurring attack surface for
 * unprivileged code: io_uring, userfaultfd, bpf, perf_event_open, the key-management calls (whose
 * keyrings are per uid, shared with the worker when it is not root), module and kexec loading, and
 * open_by_handle_at (the classic container escape). Everything else is allowed: the namespaces and the
 * empty root do the isolating; this only narrows the kernel surface the agent can poke at.
 *
 * On x86_64 the x32 ABI (syscall numbers with bit 30 set) and 32-bit calls (another audit arch) are
 * refused too, so a denied call cannot be reached under another number. On architectures without a
 * table here, no filter is installed (the README says so).
 */

const AUDIT_ARCH = { x64: 0xc000003e, arm64: 0xc00000b7 } as const;
const X32_SYSCALL_BIT = 0x40000000;
const ENOSYS = 38;

/** name → [x86_64, aarch64] numbers (from the kernel's syscall tables). */
const DENIED: Record<string, readonly [number, number]> = {
  io_uring_setup: [425, 425],
  io_uring_enter: [426, 426],
  io_uring_register: [427, 427],
  userfaultfd: [323, 282],
  bpf: [321, 280],
  perf_event_open: [298, 241],
  add_key: [248, 217],
  request_key: [249, 218],
  keyctl: [250, 219],
  kexec_load: [246, 104],
  kexec_file_load: [320, 294],
  init_module: [175, 105],
  finit_module: [313, 273],
  delete_module: [176, 106],
  open_by_handle_at: [304, 265],
};

export const DENIED_SYSCALLS = Object.keys(DENIED);

// Classic BPF opcodes and seccomp return values (linux/filter.h, linux/seccomp.h).
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const RET_K = 0x06;
const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000;
// Offsets in struct seccomp_data.
const NR = 0;
const ARCH = 4;

type Insn = [code: number, jt: number, jf: number, k: number];

/** The program for `arch` (process.arch), or null where we have no syscall table. */
export function seccompProgram(arch: string = process.arch): Buffer | null {
  if (arch !== "x64" && arch !== "arm64") return null;
  const numbers = Object.values(DENIED).map(([x64, arm64]) => (arch === "x64" ? x64 : arm64));
  const insns: Insn[] = [];
  insns.push([LD_W_ABS, 0, 0, ARCH]);
  // Another ABI (e.g. 32-bit int 0x80 on x86_64): jump to the refusal at the end.
  const archCheck = insns.push([JEQ_K, 0, 0, AUDIT_ARCH[arch]]) - 1;
  insns.push([LD_W_ABS, 0, 0, NR]);
  const jumps: number[] = [];
  if (arch === "x64") jumps.push(insns.push([JGE_K, 0, 0, X32_SYSCALL_BIT]) - 1);
  for (const nr of numbers) jumps.push(insns.push([JEQ_K, 0, 0, nr]) - 1);
  insns.push([RET_K, 0, 0, RET_ALLOW]);
  const deny = insns.push([RET_K, 0, 0, RET_ERRNO | ENOSYS]) - 1;
  // Conditional jumps are relative to the next instruction.
  const archInsn = insns[archCheck] as Insn;
  archInsn[2] = deny - archCheck - 1;
  for (const at of jumps) (insns[at] as Insn)[1] = deny - at - 1;
  const buf = Buffer.alloc(insns.length * 8);
  insns.forEach(([code, jt, jf, k], i) => {
    buf.writeUInt16LE(code, i * 8);
    buf.writeUInt8(jt, i * 8 + 2);
    buf.writeUInt8(jf, i * 8 + 3);
    buf.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return buf;
}
