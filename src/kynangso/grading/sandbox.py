"""The sandbox a learner's kernel runs in while it is graded (Linux; full isolation needs root).

In the forked kernel process (zygote.py), before any learner code: `own_pid_namespace()` (the
kernel becomes process 1 of a PID namespace of its own, which dies with it), then
`enter(kernel_dir, hide, keep, user, private)`:

- a new network namespace: no network at all, not even the machine's 127.0.0.1 (the kernel talks
  to the grader over Unix sockets in its own folder); its own loopback is up, so a lesson's own
  server on 127.0.0.1 (the mail lab) works inside it;
- a new mount namespace where every existing mount is read-only, /tmp and /dev/shm are fresh and
  empty, the cohorts (gradebooks, notebooks with hidden tests, other officials' work) and the
  source notebooks are covered by empty folders, and only this kernel's own folder is writable;
- the answer key (`private`: kynangso.key, datasets/dap-an, a module's withheld library modules)
  covered again, for a learner's kernel only;
- an unprivileged user of its own (one per worker and role, in the group of nobody), with no supplementary
  groups and no way to gain privileges, so it cannot signal other officials' kernels; the
  folders Python needs are made reachable for it (a home folder holding the interpreter is covered
  and the interpreter's folder bound back, read-only);
- the working folder is a fresh, empty folder: files a submission brings are not there, so not
  importable.

Without root (an instructor's laptop) `available()` says why and the grader runs kernels with the
resource limits only; course/bao-mat-cham-bai.md tells instructors what that means. `withhold()`
(an import hook) refuses the answer key and withheld modules in every learner's kernel, sandboxed
or not.
"""

from __future__ import annotations

import ctypes
import os
import pwd
import stat
import sys
from functools import lru_cache

CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWUSER = 0x00020000, 0x40000000, 0x20000000, 0x10000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = (
    1,
    2,
    4,
    8,
    32,
    4096,
    16384,
    1 << 18,
)
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 1, 24, 38, 47
MS_NOATIME, MS_NODIRATIME, MS_RELATIME, MS_STRICTATIME = 1024, 2048, 1 << 21, 1 << 24
# mount options a remount must keep (a user namespace may not clear what a more privileged one set)
KEPT_OPTIONS = {
    "nosuid": MS_NOSUID,
    "nodev": MS_NODEV,
    "noexec": MS_NOEXEC,
    "noatime": MS_NOATIME,
    "nodiratime": MS_NODIRATIME,
    "relatime": MS_RELATIME,
    "strictatime": MS_STRICTATIME,
}
SKIP_RO = ("/proc", "/sys", "/dev")

_libc = ctypes.CDLL(None, use_errno=True)


def _check(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(src: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(
        _libc.mount(src and src.encode(), target.encode(), fstype and fstype.encode(), flags, data and data.encode()),
        f"mount {target}",
    )


# Kernels run as UID_BASE[role] + the worker's pid (pids stay below 2**22): no user of the machine
# has these, and a learner's kernel never shares its user with the trusted runner (trusted.py).
def _loopback_up() -> None:
    """A new network namespace has only `lo`, and it is down: bring it up, so a lesson's own server
    on 127.0.0.1 (the mail lab) works. This 127.0.0.1 belongs to the namespace: nothing of the
    machine listens on it."""
    import fcntl
    import socket
    import struct

    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        req = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(s, siocgifflags, req))[1]
        fcntl.ioctl(s, siocsifflags, struct.pack("16sH14x", b"lo", flags | iff_up))


UID_BASE = {"learner": 100_000_000, "trusted": 200_000_000}


def kernel_user(worker_pid: int | None = None, role: str = "learner") -> tuple[int, int] | None:
    """The unprivileged user a worker's kernels of one role run as, when the grader is root: a user
    of their own (never `nobody`, which every kernel would share: a learner's code could then signal
    another official's kernel, or the trusted runner that runs the test cells), in the group of
    `nobody`. Without root, None: kernels keep the grader's user, in user namespaces of their own."""
    if rootless():
        return None
    try:
        gid = pwd.getpwnam("nobody").pw_gid
    except KeyError:
        return None
    return UID_BASE[role] + (os.getpid() if worker_pid is None else worker_pid), gid


def rootless() -> bool:
    """Whether kernels are isolated without root: in user namespaces of their own."""
    return os.geteuid() != 0


@lru_cache(maxsize=1)
def available() -> str | None:
    """None when kernels can be isolated here, else why not, as a stable code (the grader says it
    in Vietnamese: cohorts.sandbox.<code>): "not_linux", "no_nobody" (root, but no user `nobody`
    whose group kernels run in), "no_namespaces" (neither root nor unprivileged user namespaces)."""
    if sys.platform != "linux":
        return "not_linux"
    if not rootless() and kernel_user() is None:
        return "no_nobody"
    pid = os.fork()
    if pid == 0:
        try:
            if rootless():
                _enter_user_namespace(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID)
            else:
                _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID), "unshare")
            os._exit(0)
        except BaseException:  # noqa: BLE001 - any failure means: not here
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return None if os.waitstatus_to_exitcode(status) == 0 else "no_namespaces"


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="ascii") as f:
        f.write(text)


def _enter_user_namespace(flags: int = 0) -> None:
    """Without root: a user namespace of our own (with `flags`' other namespaces), where we keep our
    own user and group (mapped to themselves, nothing else mapped) and hold, for now, the
    capabilities that namespaces and mounts need; `drop_capabilities()` gives them up."""
    uid, gid = os.geteuid(), os.getegid()
    _check(_libc.unshare(CLONE_NEWUSER | flags), "unshare(CLONE_NEWUSER)")
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")


def drop_capabilities() -> None:
    """Give up every capability (the bounding set, the ambient set, then the effective, permitted
    and inheritable ones): a kernel in a user namespace of its own can then neither undo its mounts
    nor make new namespaces that matter."""
    import ctypes as c

    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and cap < 41:
            _check(-1, f"prctl(PR_CAPBSET_DROP, {cap})")
    _libc.prctl(PR_CAP_AMBIENT, 4, 0, 0, 0)  # PR_CAP_AMBIENT_CLEAR_ALL

    class Header(c.Structure):
        _fields_ = [("version", c.c_uint32), ("pid", c.c_int)]

    class Data(c.Structure):
        _fields_ = [("effective", c.c_uint32), ("permitted", c.c_uint32), ("inheritable", c.c_uint32)]

    header, data = Header(0x20080522, 0), (Data * 2)()  # _LINUX_CAPABILITY_VERSION_3: two words of 32 bits
    _check(_libc.capset(c.byref(header), data), "capset")


def own_pid_namespace(close_fds=()) -> int:
    """Give the calling process (a freshly forked kernel, still single-threaded) a PID namespace of
    its own: it forks, and only the child returns, as process 1 of the new namespace. Everything a
    learner's code starts (a double fork, `setsid()`) lives in that namespace, and the kernel
    (Linux) kills all of it when process 1 ends; from inside, no process outside can be seen or
    signalled, so a leftover can never reach the next official's kernel.

    The caller stays outside as the handle the grader knows (its pid, its process group): it ignores
    SIGINT (the child, in the same process group, gets the grader's interrupts), waits for the child
    and exits with its status. `close_fds` are closed on the outside, so only the child holds them.
    The child gets a descriptor that tells it whether the outside process is alive: it must call
    `die_with_parent(fd)` once its user is final (a change of user clears PR_SET_PDEATHSIG)."""
    import signal

    if rootless():
        _enter_user_namespace(CLONE_NEWPID)
    else:
        _check(_libc.unshare(CLONE_NEWPID), "unshare(CLONE_NEWPID)")
    alive_r, alive_w = os.pipe()  # closed when the outside process is gone, however it ends
    pid = os.fork()
    if pid == 0:
        os.close(alive_w)
        return alive_r
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.close(alive_r)
    for fd in close_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    code = 1
    try:
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                code = os.waitstatus_to_exitcode(status)
                break
            except InterruptedError:
                continue
    finally:
        os._exit(code if code >= 0 else 128 - code)


def die_with_zygote(zygote_pid: int) -> None:
    """Be killed when the zygote that forked this kernel ends (a grading command killed with SIGKILL
    takes its zygote with it, and so every kernel it started); exit now if it already has."""
    import signal

    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")
    if os.getppid() != zygote_pid:
        os._exit(1)


def die_with_parent(alive_fd: int) -> None:
    """Be killed when the process outside the PID namespace dies (own_pid_namespace); exit now if it
    already has."""
    import select
    import signal

    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")
    poller = select.poll()
    poller.register(alive_fd, select.POLLIN | select.POLLHUP)
    if poller.poll(0):
        os._exit(1)
    os.close(alive_fd)


class _Withheld:
    """An import hook of a learner's kernel: the answer key and a module's withheld library modules
    cannot be imported (the sandbox also hides their files)."""

    def __init__(self, names):
        self.names = tuple(names)

    def find_spec(self, fullname, path=None, target=None):
        if any(fullname == n or fullname.startswith(n + ".") for n in self.names):
            from .. import messages

            raise ImportError(messages.text("grading.withheld", name=fullname), name=fullname)
        return None


def withhold(names) -> None:
    """Make `names` (modules and packages) unimportable in this process from now on."""
    names = tuple(names)
    for mod in [m for m in sys.modules if any(m == n or m.startswith(n + ".") for n in names)]:
        parent, _, child = mod.rpartition(".")
        if parent in sys.modules and getattr(sys.modules[parent], child, None) is sys.modules[mod]:
            delattr(sys.modules[parent], child)
        del sys.modules[mod]
    sys.meta_path.insert(0, _Withheld(names))


def _blocking_ancestors(path: str) -> tuple[str, str] | None:
    """The first ancestor of `path` that others cannot enter, and its child on the way to `path`."""
    parts = os.path.abspath(path).split(os.sep)
    for i in range(2, len(parts)):
        ancestor = os.sep.join(parts[:i]) or os.sep
        if not os.stat(ancestor).st_mode & stat.S_IXOTH:
            return ancestor, os.sep.join(parts[: i + 1])
    return None


def python_paths() -> list[str]:
    return sorted({os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, sys.exec_prefix)})


def prepare_dir(path: str, uid: int | None, gid: int | None) -> None:
    """Give the kernel's folder to the kernel's user (run by the grader, as root, before the fork)."""
    if uid is None:
        return
    for root, _dirs, files in os.walk(path):
        os.chown(root, uid, gid)
        for f in files:
            os.chown(os.path.join(root, f), uid, gid)


def enter(
    kernel_dir: str, hide: list[str], keep: list[str] = (), user: tuple[int, int] | None = None, private: list[str] = ()
) -> None:
    """Isolate the calling process (a freshly forked kernel, still single-threaded): `hide` folders
    are covered, `keep` folders under them shown again (read-only), then `private` paths under those
    covered again (folders by an empty one, files by an empty file): the answer key, inside the
    package and the data sets a kernel must see."""
    kernel_dir = os.path.realpath(kernel_dir)
    _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWNET), "unshare")
    _loopback_up()
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    if os.getpid() == 1:  # in a PID namespace of its own (own_pid_namespace): /proc shows only it
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    # descriptors opened inside the new namespace, before anything is covered: bound back below
    keep = {p: os.open(p, os.O_RDONLY | os.O_DIRECTORY) for p in map(os.path.realpath, keep) if os.path.isdir(p)}
    keep[kernel_dir] = os.open(kernel_dir, os.O_RDONLY | os.O_DIRECTORY)
    fresh = ["/tmp", "/dev/shm"]  # empty and writable (a learner's code may use tempfile)
    covers = [*fresh, os.path.dirname(kernel_dir), *hide]
    for p in python_paths():
        block = _blocking_ancestors(p)
        if block:
            covers.append(block[0])
            keep.setdefault(p, os.open(p, os.O_RDONLY | os.O_DIRECTORY))
    covered: list[str] = []
    for target in sorted({os.path.realpath(c) for c in covers}, key=len):
        if any(target == c or target.startswith(c + "/") for c in covered) or not os.path.isdir(target):
            continue
        mode = "mode=1777,size=256m" if target in fresh else "mode=0755,size=1m"
        _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, mode)
        covered.append(target)
    for target, fd in sorted(keep.items(), key=lambda kv: len(kv[0])):
        if not any(target == c or target.startswith(c + "/") for c in covered):
            os.close(fd)  # never covered: nothing to bind back
            continue
        os.makedirs(target, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC)
        os.close(fd)
    for target in map(os.path.realpath, private):
        if os.path.isdir(target):
            _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
        elif os.path.isfile(target):
            _mount("/dev/null", target, None, MS_BIND)
    # every other mount read-only (the fresh folders and the kernel's own folder stay writable)
    writable = [*fresh, kernel_dir]
    done = set()
    with open("/proc/self/mountinfo", encoding="utf-8") as f:
        mounts = [(fields[4].replace("\\040", " "), fields[5].split(",")) for fields in (line.split() for line in f)]
    for mp, options in mounts:
        if mp in done or mp.startswith(SKIP_RO) or any(mp == w or mp.startswith(w + "/") for w in writable):
            continue
        done.add(mp)
        kept = sum(flag for name, flag in KEPT_OPTIONS.items() if name in options)
        try:
            _mount(None, mp, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | kept)
        except OSError:
            _mount(None, mp, None, MS_BIND | MS_REMOUNT | MS_RDONLY | kept)
    if user:
        uid, gid = user
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    elif rootless():
        drop_capabilities()
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl")
