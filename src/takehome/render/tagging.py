"""The last step of a tagged handout: what is not content becomes an artifact.

WeasyPrint writes a PDF/UA-1 structure tree, but the text of the page margins
(the running header and footer, "Page 1 of 2") is marked as content that no
element of the tree reaches, and a decorative image (``alt=""``) is a Figure
with no alternate text, which a screen reader would announce as "image". PDF/UA
asks for both to be artifacts: content a reader skips, like the rules and
backgrounds WeasyPrint already marks so. This module rewrites the marked-content
operators of those parts with pikepdf and takes their elements out of the tree.

The practice and client named in the header are in the tagged body too (the
first page's header is part of the document, see base.html.j2), so nothing a
listener needs is lost.

One repair rides along: WeasyPrint maps a glyph that is the second part of a
cluster (an Arabic ligature's piece, a Vietnamese stacked accent) to no text at
all (``<0055> <>``), which PDF/UA counts as a glyph with no Unicode. Such a glyph
is mapped to U+200B, a zero-width space: nothing is read or copied for it.
"""

from __future__ import annotations

import io
import re

import pikepdf

__all__ = ["finish_tagging"]

_ARTIFACT = [pikepdf.Name.Artifact, pikepdf.Dictionary(Type=pikepdf.Name.Pagination)]


def _reachable(root: pikepdf.Object) -> set[tuple[int, int]]:
    """The structure elements (by object number) the tree reaches from its root."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or node.get("/Type") in ("/MCR", "/OBJR"):
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            stack.extend(kids)
        elif kids is not None:
            stack.append(kids)
    return seen


def _drop_decorative_figures(root: pikepdf.Object) -> None:
    """Take Figure elements without /Alt (an ``alt=""`` image, or one of spaces)
    out of the tree."""
    stack = [root]
    while stack:
        node = stack.pop()
        kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
        if not isinstance(kids, pikepdf.Array):
            continue
        keep = []
        for kid in kids:
            decorative = (
                isinstance(kid, pikepdf.Dictionary)
                and kid.get("/S") == "/Figure"
                and not str(kid.get("/Alt", "")).strip()  # none, or only spaces
            )
            if not decorative:
                keep.append(kid)
                stack.append(kid)
        if len(keep) != len(kids):
            node.K = pikepdf.Array(keep)


_BFCHAR = re.compile(rb"(\d+) beginbfchar\n(.*?)\nendbfchar", re.S)


def _map_empty_glyphs(pdf) -> bool:
    """Map every glyph a ToUnicode CMap gives no text to U+200B; True if any was."""
    changed = False
    for font in pdf.objects:
        if not isinstance(font, pikepdf.Dictionary) or "/ToUnicode" not in font:
            continue
        text = font.ToUnicode.read_bytes()
        if b"<>" not in text:
            continue

        def mapped(match):
            lines = [line.replace(b"<>", b"<200B>") for line in match[2].splitlines()]
            return b"%d beginbfchar\n" % len(lines) + b"\n".join(lines) + b"\nendbfchar"

        font.ToUnicode = pdf.make_stream(_BFCHAR.sub(mapped, text))
        changed = True
    return changed


def finish_tagging(data: bytes) -> bytes:
    """``data`` (a tagged PDF from WeasyPrint) with its untagged content made artifacts."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if tree is None:
            return data
        changed = _map_empty_glyphs(pdf)
        _drop_decorative_figures(tree)
        reachable = _reachable(tree)
        numbers = tree.ParentTree.Nums
        for index, page in enumerate(pdf.pages):
            # The parent tree maps each marked-content id of a page to its element.
            mapping = numbers[2 * index + 1] if 2 * index + 1 < len(numbers) else None
            if not isinstance(mapping, pikepdf.Array):
                continue
            loose = {
                mcid
                for mcid, element in enumerate(mapping)
                if isinstance(element, pikepdf.Dictionary) and element.objgen not in reachable
            }
            if not loose:
                continue
            instructions = []
            for operands, operator in pikepdf.parse_content_stream(page):
                if (
                    str(operator) == "BDC"
                    and isinstance(operands[1], pikepdf.Dictionary)
                    and int(operands[1].get("/MCID", -1)) in loose
                ):
                    operands = _ARTIFACT
                instructions.append(pikepdf.ContentStreamInstruction(operands, operator))
            page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
            for mcid in loose:
                mapping[mcid] = pikepdf.Object.parse(b"null")
            changed = True
        if not changed:
            return data
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()
