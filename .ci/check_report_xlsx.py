"""Reads the steering committee's spreadsheet with openpyxl, as the committee's own tools
would, and checks what the issue asks of it: a summary sheet with the filters, the export's
date and the sources; one sheet per indicator of the "Définitions" sheet; and no count of a
count indicator published under its secrecy threshold (a zero describes nobody)."""

import sys

import openpyxl


def main(path: str) -> None:
    book = openpyxl.load_workbook(path, read_only=True)
    names = book.sheetnames
    assert names[0] == "Synthèse", names
    assert names[-1] == "Définitions", names
    summary = [row for row in book["Synthèse"].iter_rows(values_only=True)]
    labels = {row[0] for row in summary if row and row[0]}
    for expected in ("Période", "Territoire", "Exporté le", "Tension officielle", "Secret statistique"):
        assert expected in labels, f"{expected} missing from the summary: {labels}"
    definitions = list(book["Définitions"].iter_rows(values_only=True))
    header, entries = definitions[0], definitions[1:]
    assert header[0] == "Identifiant" and header[5] == "Unité", header
    assert len(entries) == len(names) - 2, (len(entries), names)
    published = withheld = 0
    for entry in entries:
        ident, unit, threshold = entry[0], entry[5], entry[8]
        assert ident in names, ident
        for row in book[ident].iter_rows(min_row=7, values_only=True):
            for value in row[1:]:
                if value == "secret":
                    withheld += 1
                elif isinstance(value, (int, float)):
                    published += 1
                    if unit == "nombre":
                        assert value == 0 or value >= threshold, f"{ident}: {value} published"
    print(
        f"{path}: {len(entries)} indicators, {published} figures published, "
        f"{withheld} withheld, none under the threshold"
    )


if __name__ == "__main__":
    main(sys.argv[1])
