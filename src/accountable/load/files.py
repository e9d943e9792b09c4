"""Finding the message files a load is given: files and folders, checked before any write."""

from __future__ import annotations

import os
from pathlib import Path

from accountable.load.model import MESSAGE_SUFFIXES, LoadError


def _is_message_file(name: str) -> bool:
    """True for .ndjson, .jsonl and .json names, optionally ending in .gz (case-insensitive)."""
    lowered = name.lower()
    if lowered.endswith(".gz"):
        lowered = lowered[:-3]
    return lowered.endswith(MESSAGE_SUFFIXES)


def collect_files(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """The message files named by `paths`, absolute, unique, in sorted path order; and the files
    inside the folders that were skipped for their extension, in sorted order.

    Raises LoadError for anything that would make the load fail half-way, before any write.
    """
    if not paths:
        raise LoadError("no files or folders given: name at least one .ndjson/.jsonl/.json file")
    found: dict[str, Path] = {}
    skipped: set[str] = set()
    for given in paths:
        path = Path(os.path.abspath(given))
        if not path.exists():
            raise LoadError(f"{path}: no such file or folder; check the path and run again")
        if path.is_dir():
            in_folder, skipped_here = _walk(path)
            if not in_folder:
                raise LoadError(
                    f"{path}: no message files in this folder or below (names ending in "
                    f".ndjson, .jsonl or .json, optionally .gz); found "
                    f"{plural_files(len(skipped_here))} of other types"
                )
            skipped.update(skipped_here)
            for file in in_folder:
                found.setdefault(str(file), file)
        elif path.is_file():
            if not _is_message_file(path.name):
                raise LoadError(
                    f"{path}: not a message file; name it .ndjson, .jsonl or .json (optionally "
                    f".gz), or pass its folder to load only the message files in it"
                )
            found.setdefault(str(path), path)
        else:
            raise LoadError(f"{path}: neither a regular file nor a folder")
    files = [found[key] for key in sorted(found)]
    for file in files:
        _check_readable(file)
    return _drop_same_files(files), sorted(skipped)


def plural_files(count: int) -> str:
    return f"{count:,} file" if count == 1 else f"{count:,} files"


def _walk(folder: Path) -> tuple[list[Path], list[str]]:
    def fail(error: OSError) -> None:
        raise LoadError(f"{error.filename}: cannot read this folder ({error.strerror})")

    files: list[Path] = []
    skipped: list[str] = []
    for root, _dirs, names in os.walk(folder, onerror=fail):
        for name in names:
            if _is_message_file(name):
                files.append(Path(root, name))
            else:
                skipped.append(str(Path(root, name)))
    return files, skipped


def _check_readable(file: Path) -> None:
    try:
        with open(file, "rb") as handle:
            handle.read(1)
    except OSError as error:
        raise LoadError(
            f"{file}: cannot be read ({error.strerror}); fix its permissions or leave it out"
        ) from None


def _drop_same_files(files: list[Path]) -> list[Path]:
    """Keep the first of several paths to one file (symlinks), so nothing counts twice."""
    seen: set[tuple[int, int]] = set()
    unique = []
    for file in files:
        stat = file.stat()
        key = (stat.st_dev, stat.st_ino)
        if key not in seen:
            seen.add(key)
            unique.append(file)
    return unique
