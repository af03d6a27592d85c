"""One look at the process table: which processes are Spine apps, which belong to the session.

Everything else is never touched, and the greeter itself and its ancestors never are, even if
a rule would match them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

import psutil

from greeter.session.launcher import GREETER_VAR, greeter_alive
from greeter.session.settings import SpineApp


@dataclass(frozen=True)
class Seen:
    """A process as the snapshot saw it."""

    pid: int
    ppid: int
    name: str
    exe: str
    cmdline: tuple[str, ...]
    create_time: float
    pgid: int
    sid: int
    uid: int

    def exe_names(self) -> set[str]:
        """The names an admin may mean by `match_exe`: the process name (which Linux cuts at
        15 characters), the executable's and argv[0]'s base names."""
        names = {self.name}
        if self.exe:
            names.add(os.path.basename(self.exe))
        if self.cmdline:
            names.add(os.path.basename(self.cmdline[0]))
        names.discard("")
        return names


@dataclass(frozen=True)
class SpineInstance:
    """One running instance of a Spine app: the top matching process and the matching processes
    below it (a browser's content processes), which go when it goes."""

    app: SpineApp
    root: Seen
    members: tuple[Seen, ...]


class Snapshot:
    def __init__(self, processes: Iterable[Seen], protected: set[int], uid: int) -> None:
        self.by_pid = {seen.pid: seen for seen in processes if seen.pid not in protected}
        self.protected = protected
        # sessions run as the greeter's user: another user's process is never a Spine app of ours
        self.uid = uid

    @classmethod
    def take(cls, *, identities: bool = True) -> Snapshot:
        """The process table now; without `identities` (names, executables, command lines:
        only needed to match Spine apps) it is quicker, for finding a session's processes."""
        me = psutil.Process()
        protected = {me.pid, *(parent.pid for parent in me.parents())}
        seen: list[Seen] = []
        attrs = ["pid", "ppid", "create_time", "uids"]
        if identities:
            attrs += ["name", "exe", "cmdline"]
        for proc in psutil.process_iter(attrs):
            info = proc.info
            if info["pid"] in protected or info["create_time"] is None:
                continue
            try:
                pgid, sid = os.getpgid(info["pid"]), os.getsid(info["pid"])
            except OSError:
                continue  # exited while we looked
            seen.append(
                Seen(
                    pid=info["pid"],
                    ppid=info["ppid"] or 0,
                    name=info.get("name") or "",
                    exe=info.get("exe") or "",
                    cmdline=tuple(info.get("cmdline") or ()),
                    create_time=info["create_time"],
                    pgid=pgid,
                    sid=sid,
                    uid=info["uids"].real if info["uids"] else -1,
                )
            )
        return cls(seen, protected, os.geteuid())

    def descendants(self, pid: int) -> set[int]:
        children: dict[int, list[int]] = {}
        for seen in self.by_pid.values():
            children.setdefault(seen.ppid, []).append(seen.pid)
        found: set[int] = set()
        stack = [pid]
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return found

    def ancestors(self, pid: int) -> list[int]:
        chain: list[int] = []
        seen = self.by_pid.get(pid)
        while seen is not None and seen.ppid not in chain and seen.ppid != seen.pid:
            chain.append(seen.ppid)
            seen = self.by_pid.get(seen.ppid)
        return chain

    def spine_instances(self, apps: Iterable[SpineApp]) -> list[SpineInstance]:
        """Each rule's matches (the greeter user's processes only) grouped under their top-most
        matching ancestor; a process goes to the first rule that matches it."""
        taken: set[int] = set()
        instances: list[SpineInstance] = []
        for app in apps:
            matched = {
                pid
                for pid, seen in self.by_pid.items()
                if pid not in taken and seen.uid == self.uid and matches(app, seen)
            }
            taken |= matched
            roots = [pid for pid in matched if not matched.intersection(self.ancestors(pid))]
            for root in sorted(roots):
                below = self.descendants(root) & matched
                instances.append(
                    SpineInstance(
                        app=app,
                        root=self.by_pid[root],
                        members=tuple(self.by_pid[pid] for pid in sorted(below)),
                    )
                )
        return instances

    def session_members(self, leader: int) -> list[Seen]:
        """A started command's processes: its process group and session (it was started as a
        session leader) and its descendants, even those that moved to a group of their own."""
        pids = {pid for pid, seen in self.by_pid.items() if leader in (seen.pgid, seen.sid)}
        pids |= self.descendants(leader)
        pids.discard(leader)
        return [self.by_pid[pid] for pid in sorted(pids)]


@dataclass(frozen=True)
class Leftovers:
    """A dead greeter's session, still running: whose it was, and its processes."""

    user: str
    domain: str
    processes: tuple[Seen, ...]


def find_leftovers(snapshot: Snapshot) -> Leftovers | None:
    """Processes of sessions whose greeter died (a crash, kill -9) without ending them; their
    environment says which greeter started them. A live greeter's sessions are not leftovers."""
    found: dict[int, Seen] = {}
    user = domain = ""
    for seen in snapshot.by_pid.values():
        if seen.uid != snapshot.uid:
            continue
        try:
            env = psutil.Process(seen.pid).environ()
        except psutil.Error:
            continue
        mark = env.get(GREETER_VAR)
        if not mark or greeter_alive(mark):
            continue
        found[seen.pid] = seen
        user = user or env.get("TAPKIOSK_USER", "")
        domain = domain or env.get("TAPKIOSK_DOMAIN", "")
    if not found:
        return None
    # children that cleared their environment still belong to the session
    for pid in list(found):
        for child in snapshot.descendants(pid):
            found.setdefault(child, snapshot.by_pid[child])
    return Leftovers(user, domain, tuple(found[pid] for pid in sorted(found)))


def matches(app: SpineApp, seen: Seen) -> bool:
    if app.match_exe is not None:
        return app.match_exe in seen.exe_names()
    if app.match_cmdline is not None:
        return app.match_cmdline.search(" ".join(seen.cmdline)) is not None
    return False
