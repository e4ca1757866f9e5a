"""Validates a directory export (structures.json, services.json) with data·inclusion's own
schema package (PyPI data-inclusion-schema): every record through its pydantic models
`Structure` and `Service`. Prints each error and exits 1 if there is any."""

import json
import sys
from pathlib import Path

import pydantic
from data_inclusion.schema.v1 import Service, Structure


def check(path: Path, model) -> tuple[int, int]:
    records = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(records, list):
        print(f"{path}: expected a list of records")
        return 0, 1
    errors = 0
    for position, record in enumerate(records, start=1):
        try:
            model.model_validate(record)
        except pydantic.ValidationError as err:
            errors += 1
            if errors <= 10:
                print(f"{path} record {position} ({record.get('id')}): {err}")
    return len(records), errors


def main() -> int:
    folder = Path(sys.argv[1])
    structures, structure_errors = check(folder / "structures.json", Structure)
    services, service_errors = check(folder / "services.json", Service)
    ids = {s["id"] for s in json.loads((folder / "structures.json").read_text(encoding="utf-8"))}
    orphans = [
        s["id"]
        for s in json.loads((folder / "services.json").read_text(encoding="utf-8"))
        if s["structure_id"] not in ids
    ]
    for orphan in orphans[:10]:
        print(f"service {orphan}: its structure_id is not in structures.json")
    print(
        f"data·inclusion v1 validator: {structures} structures ({structure_errors} errors), "
        f"{services} services ({service_errors} errors), {len(orphans)} services without "
        "their structure"
    )
    return 1 if structure_errors or service_errors or orphans else 0


if __name__ == "__main__":
    sys.exit(main())
