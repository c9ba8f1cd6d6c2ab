"""Fill empty translations of a .po catalogue from a tab-separated file (msgid<TAB>msgstr).

    .venv/bin/python scripts/po_fill.py songnuan/<app>/locale/zh_Hans/LC_MESSAGES/django.po < zh.tsv

Lists any message still untranslated afterwards, so nothing is forgotten.
"""

from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po


def main(path: str) -> int:
    pairs = {}
    for line in sys.stdin.read().splitlines():
        if "\t" in line:
            msgid, msgstr = line.split("\t", 1)
            pairs[msgid.replace("\\n", "\n")] = msgstr.replace("\\n", "\n")
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if "fuzzy" in message.flags:
            # makemessages' guess from a similar message: never ship it unreviewed.
            message.flags.discard("fuzzy")
            if key not in pairs:
                message.string = tuple("" for _ in message.id) if isinstance(message.id, tuple) \
                    else ""
        if key in pairs:
            message.string = (tuple(pairs[key] for _ in message.id)
                              if isinstance(message.id, tuple) else pairs[key])
        if not message.string or (isinstance(message.string, tuple) and not all(message.string)):
            missing.append(message.id)
    catalog.fuzzy = False
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100)
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
