"""`reader restore`: list the daily backups of the marks, or bring one back."""

from __future__ import annotations

from reader.cli.context import Context
from reader.cli.output import out
from reader.domain.text import escape_name
from reader.state.backup import BackupInfo, list_backups, restore_backup


def cmd_restore(ctx: Context) -> int:
    data, profile = ctx.dirs.data, ctx.args.profile
    if not ctx.args.backup:
        backups = list_backups(data, profile)
        if not backups:
            out(f"no backups yet for profile {profile!r}: one is made each day the reader is used (kept: last 7)")
            return 0
        out(f"backups of profile {profile!r} in {escape_name(backups[0].path.parent)}, oldest first:")
        for info in backups:
            out("  " + _backup_line(info))
        out("restore one with: reader restore DATE  (or a file name from this list, or a path)")
        return 0
    store = ctx.state()
    result = restore_backup(store, data, profile, ctx.args.backup)
    out(f"restored {escape_name(result.source)}: now {result.read:,} read, {result.starred:,} starred")
    if result.left_out:
        out(f"left behind (only the reader's own tables are restored): {', '.join(result.left_out)}")
    out(f"your marks from just before were saved as {escape_name(result.before)}")
    out(f"to take this back: reader{_profile_option(profile)} restore {escape_name(result.before.name)}")
    return 0


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"


def _backup_line(info: BackupInfo) -> str:
    if info.problem is not None:
        marks = f"unreadable: {info.problem}"
    else:
        marks = f"{info.read:>6,} read  {info.starred:>6,} starred"
    return f"{info.label:<40} {_size(info.size):>9}  {marks}  {escape_name(info.path.name)}"


def _profile_option(profile: str) -> str:
    return "" if profile == "default" else f" --profile {profile}"
