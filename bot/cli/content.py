"""``studybot content validate [PATH] [--source DOCUMENT]`` and ``studybot content import DOCUMENT --pack NAME``."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import load_settings
from bot.content.document import read_document
from bot.content.importer import write_draft
from bot.content.report import summary, validate
from bot.errors import UserFacingError


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
    draft.add_argument("--into", type=Path, help="content folder to write into (default: the configured one)")
    draft.add_argument("--force", action="store_true", help="overwrite an existing pack folder")
    draft.set_defaults(handler=_import)


def _content_dir(given: Path | None) -> Path:
    return given if given is not None else load_settings().content_dir


def _validate(args: argparse.Namespace) -> int:
    directory = _content_dir(args.path)
    try:
        document = read_document(args.source) if args.source else None
    except UserFacingError as error:
        print(f"error: {error.render()}")
        return 1
    library, problems = validate(directory, document)
    for problem in problems:
        print(problem)
    errors = sum(p.severity == "error" for p in problems)
    if library is None:
        print(f"{errors} error(s); the packs in {directory} cannot be used until they are fixed.")
        return 1
    for line in summary(library):
        print(line)
    warnings = len(problems) - errors
    print(f"OK: {len(library.packs)} pack(s) valid" + (f", {warnings} warning(s)" if warnings else "") + ".")
    return 0


def _import(args: argparse.Namespace) -> int:
    try:
        document = read_document(args.document)
        folder = write_draft(document, args.pack, _content_dir(args.into), force=args.force)
    except UserFacingError as error:
        print(f"error: {error.render()}")
        return 1
    takeaways = sum(len(s.takeaways) for s in document.sections)
    print(f"Drafted {folder}: {len(document.faq)} FAQ cards and {takeaways} takeaway cards with their sources. "
          "Rewrite them in your own words, add prompts, then run `studybot content validate`.")
    return 0
