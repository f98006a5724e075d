"""``studybot content validate [PATH] [--source DOCUMENT]`` and ``studybot content import DOCUMENT --pack NAME``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import Status, fail, load_settings
from bot.content.document import read_document
from bot.content.importer import write_draft
from bot.content.loader import as_folders, load_pack, pack_folders
from bot.content.report import summary, validate
from bot.errors import UserFacingError

DRAFTS = Path("drafts")


def register(subparsers: argparse._SubParsersAction) -> None:
    content = subparsers.add_parser("content", help="check content packs, or draft one from a study document")
    actions = content.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("validate", help="load every pack and report problems (exit 1 on errors)")
    check.add_argument("path", nargs="?", type=Path, help="folder of packs (default: the configured content)")
    check.add_argument("--source", type=Path, help="the study document: check every cited section and heading")
    check.set_defaults(handler=_validate)
    draft = actions.add_parser("import", help="write a draft pack from a document shaped like the study documents")
    draft.add_argument("document", type=Path)
    draft.add_argument("--pack", required=True, help="name of the new pack folder, e.g. rag-systems")
    draft.add_argument("--into", type=Path,
                       help=f"folder to write the draft pack into (default: ./{DRAFTS}, never the live content)")
    draft.add_argument("--id-prefix", default="", help="start every card id with this, e.g. serving")
    draft.add_argument("--force", action="store_true", help="overwrite an existing pack folder")
    draft.set_defaults(handler=_import)


def _not_a_document(path: Path) -> str:
    """Why ``path`` cannot be read as a document: a device such as /dev/null is no folder either."""
    if not path.exists():
        return "does not exist"
    if path.is_dir():
        return "is a folder; give the document file"
    return "is not a regular file; give the document file"


def _validate(args: argparse.Namespace) -> int:
    if args.path is not None and not args.path.is_dir():
        what = "is a file, not a folder of packs" if args.path.exists() else "does not exist"
        fail(f"{args.path} {what}; give the folder that holds the pack folders", Status.FILE)
    if args.source is not None and not args.source.is_file():
        fail(f"{args.source} {_not_a_document(args.source)}", Status.FILE)
    folders = (args.path,) if args.path is not None else load_settings().content_dirs
    shown = ", ".join(str(f) for f in folders)
    try:
        document = read_document(args.source) if args.source else None
    except UserFacingError as error:
        return _refused(error)
    library, problems = validate(folders, document)
    for problem in problems:
        print(problem)
    errors = sum(p.severity == "error" for p in problems)
    if library is None:
        print(f"{errors} error(s); the packs in {shown} cannot be used until they are fixed.")
        return 1
    for line in summary(library):
        print(line)
    warnings = len(problems) - errors
    print(f"OK: {len(library.packs)} pack(s) valid in {shown}"
          + (f", {warnings} warning(s)" if warnings else "") + ".")
    return 0


def _ids_in_use(folders: tuple[Path, ...], skip: Path) -> set[str]:
    """Ids of every pack that loads from ``folders`` (packs with errors are skipped, not fatal here)."""
    ids: set[str] = set()
    for root in folders:
        if not root.is_dir():
            continue
        for folder in pack_folders(root):
            if folder.resolve() == skip.resolve():
                continue
            pack, _problems = load_pack(folder)
            if pack is not None:
                ids.update(item.id for item in pack.items)
    return ids


def _import(args: argparse.Namespace) -> int:
    into = args.into if args.into is not None else DRAFTS
    if into.exists() and not into.is_dir():
        fail(f"{into} is a file; --into needs a folder", Status.FILE)
    if not args.document.is_file():
        fail(f"{args.document} {_not_a_document(args.document)}", Status.FILE)
    served = load_settings().content_dirs
    live = next((folder for folder in served if _within(into, folder)), None)
    if live is not None:
        fail(f"{into} is in {live}, which the bot serves packs from (STUDYBOT_CONTENT_DIR): a draft there would be "
             f"served before anyone rewrote it; draft into another folder (default ./{DRAFTS}), then move the "
             "rewritten pack there", Status.CONFIGURATION)
    folders = as_folders([*served, into])
    try:
        document = read_document(args.document)
        taken = _ids_in_use(folders, skip=into / args.pack)
        folder = write_draft(document, args.pack, into, force=args.force, taken_ids=taken,
                             id_prefix=args.id_prefix)
    except UserFacingError as error:
        return _refused(error)
    takeaways = sum(len(s.takeaways) for s in document.sections)
    print(f"Drafted {folder}: {len(document.faq)} FAQ cards and {takeaways} takeaway cards with their sources. "
          "Rewrite them in your own words, add prompts, then check it with "
          f"`studybot content validate {folder}`; to serve it, move it into a content folder "
          "(see STUDYBOT_CONTENT_DIR in the README).")
    return 0


def _within(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or inside it (a draft there sits among, or inside, the packs it holds)."""
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def _refused(error: UserFacingError) -> int:
    """An expected problem: one line on stderr, as every command says it, and status 1 (the command failed)."""
    print(f"studybot: {error.render().replace(chr(10), ' ')}", file=sys.stderr)
    return 1
