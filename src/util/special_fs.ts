/**
 * Pseudo file systems no output may go to: specialFileSystem(path) names the kernel file system
 * the path would be created on (procfs, sysfs, devpts, debugfs, cgroup, … found by statfs(2) of
 * the nearest existing ancestor, matched on its f_type magic number), or 'devtmpfs (/dev)' when
 * that ancestor is /dev or below it (devtmpfs reports tmpfs's magic; /dev/shm is ordinary
 * shared memory and allowed); undefined for an ordinary file system. Files there are kernel
 * interfaces: an mkdir or open on them fails oddly (procfs answers ENOENT) or, worse, succeeds.
 */
import { realpathSync, statfsSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';

/** statfs f_type magic numbers (linux/magic.h) → name */
const PSEUDO: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x73636673, 'securityfs'],
  [0x6165676c, 'pstore'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
  [0xde5e81e4, 'efivarfs'],
  [0x65735543, 'fusectl'],
  [0x42494e4d, 'binfmt_misc'],
  [0x19800202, 'mqueue'],
  [0xf97cff8c, 'selinuxfs'],
  [0x6e736673, 'nsfs'],
]);

/** the nearest ancestor of `path` (itself included) that exists, resolved through symlinks */
function nearestExisting(path: string): string | undefined {
  let p = resolve(path);
  for (;;) {
    try {
      return realpathSync(p);
    } catch {
      const up = dirname(p);
      if (up === p) return undefined;
      p = up;
    }
  }
}

/**
 * The path is checked twice: where it leads (symlinks followed: a directory link into /proc) and
 * where its last component itself sits (its parent directory, resolved): an output replaces the
 * last component, so `/dev/stdout` is refused as /dev even when that link leads, through
 * /proc/self/fd/1, to an ordinary file that the shell redirected stdout to.
 */
export function specialFileSystem(path: string): string | undefined {
  const abs = resolve(path);
  return fileSystemAt(nearestExisting(abs)) ?? (dirname(abs) === abs ? undefined : fileSystemAt(nearestExisting(dirname(abs))));
}

function fileSystemAt(at: string | undefined): string | undefined {
  if (at === undefined) return undefined;
  if ((at === '/dev' || at.startsWith(`/dev${sep}`)) && !(at === '/dev/shm' || at.startsWith(`/dev/shm${sep}`))) return 'devtmpfs (/dev)';
  let type: number;
  try {
    type = Number(statfsSync(at).type);
  } catch {
    return undefined; // not this module's question: the write reports its own error
  }
  return PSEUDO.get(type);
}
