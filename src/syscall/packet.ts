/**
 * The scheme protocol between the kernel and a user-space daemon. A daemon reads requests from
 * its scheme socket (one packet per read) and writes replies (one or more packets per write).
 *
 * Request (kernel -> daemon):
 *   0  u32 opcode     4  u32 tag (echoed in the reply)   8  u32 caller pid   12 u32 caller uid
 *   16 u32 caller gid 20 u32 reserved                    24 f64 handle id     32 f64 a0
 *   40 f64 a1         48 f64 a2                          56 u32 length of part 1  60 u32 length of part 2
 *   64 part 1 (a path or data), then part 2 (a second path)
 * Reply (daemon -> kernel):
 *   0  u32 tag        4  i32 errno (0 = success)          8  f64 result
 *   16 u32 data length 20 u32 reserved                    24 data
 * Event (daemon -> kernel, unprompted): a reply with tag EVENT_TAG, result = handle id and
 *   errno = the new readiness bits (EVENT_READ | EVENT_WRITE).
 */

export const Opcode = {
  OPEN: 1, CLOSE: 2, READ: 3, WRITE: 4, SEEK: 5, FSTAT: 6, FSYNC: 7, FTRUNCATE: 8, GETDENTS: 9,
  FPATH: 10, FCHMOD: 11, FCHOWN: 12, FEVENT: 13, FSTATVFS: 15, FUTIMENS: 16, FMAP: 17,
  MKDIR: 20, RMDIR: 21, UNLINK: 22, RENAME: 23, LINK: 24, SYMLINK: 25, READLINK: 26, CHMOD: 27, CHOWN: 28,
  CANCEL: 40,
} as const;
export type OpcodeValue = (typeof Opcode)[keyof typeof Opcode];

export const OPCODE_NAMES = new Map<number, string>(Object.entries(Opcode).map(([k, v]) => [v, k]));

export const REQUEST_HEADER = 64;
export const REPLY_HEADER = 24;
export const EVENT_TAG = 0xffffffff;

export interface Request {
  opcode: number;
  tag: number;
  pid: number;
  uid: number;
  gid: number;
  id: number;
  a0: number;
  a1: number;
  a2: number;
  part1: Uint8Array;
  part2: Uint8Array;
}

export interface Reply {
  tag: number;
  errno: number;
  result: number;
  data: Uint8Array;
}

const EMPTY = new Uint8Array(0);

export function encodeRequest(req: Request): Uint8Array {
  const out = new Uint8Array(REQUEST_HEADER + req.part1.length + req.part2.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, req.opcode, true);
  view.setUint32(4, req.tag, true);
  view.setUint32(8, req.pid, true);
  view.setUint32(12, req.uid, true);
  view.setUint32(16, req.gid, true);
  view.setFloat64(24, req.id, true);
  view.setFloat64(32, req.a0, true);
  view.setFloat64(40, req.a1, true);
  view.setFloat64(48, req.a2, true);
  view.setUint32(56, req.part1.length, true);
  view.setUint32(60, req.part2.length, true);
  out.set(req.part1, REQUEST_HEADER);
  out.set(req.part2, REQUEST_HEADER + req.part1.length);
  return out;
}

export function decodeRequest(bytes: Uint8Array): Request {
  if (bytes.length < REQUEST_HEADER) throw new RangeError(`scheme request of ${bytes.length} bytes is shorter than its header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len1 = view.getUint32(56, true);
  const len2 = view.getUint32(60, true);
  return {
    opcode: view.getUint32(0, true),
    tag: view.getUint32(4, true),
    pid: view.getUint32(8, true),
    uid: view.getUint32(12, true),
    gid: view.getUint32(16, true),
    id: view.getFloat64(24, true),
    a0: view.getFloat64(32, true),
    a1: view.getFloat64(40, true),
    a2: view.getFloat64(48, true),
    part1: bytes.slice(REQUEST_HEADER, REQUEST_HEADER + len1),
    part2: bytes.slice(REQUEST_HEADER + len1, REQUEST_HEADER + len1 + len2),
  };
}

export function encodeReply(reply: Reply): Uint8Array {
  const out = new Uint8Array(REPLY_HEADER + reply.data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, reply.tag, true);
  view.setInt32(4, reply.errno, true);
  view.setFloat64(8, reply.result, true);
  view.setUint32(16, reply.data.length, true);
  out.set(reply.data, REPLY_HEADER);
  return out;
}

/** Splits a write from a daemon into the reply packets it holds; throws on a malformed packet. */
export function decodeReplies(bytes: Uint8Array): Reply[] {
  const replies: Reply[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < REPLY_HEADER) throw new RangeError('truncated scheme reply header');
    const view = new DataView(bytes.buffer, bytes.byteOffset + at, REPLY_HEADER);
    const length = view.getUint32(16, true);
    if (at + REPLY_HEADER + length > bytes.length) throw new RangeError('scheme reply data runs past the write');
    replies.push({
      tag: view.getUint32(0, true),
      errno: view.getInt32(4, true),
      result: view.getFloat64(8, true),
      data: length ? bytes.slice(at + REPLY_HEADER, at + REPLY_HEADER + length) : EMPTY,
    });
    at += REPLY_HEADER + length;
  }
  return replies;
}
