"""Reads a Passerelle offers export with France Travail's own client library
(PyPI france-travail-api, Offre.from_dict) and checks that every field Passerelle filled reads
back with the same value. Usage: python check_offers_export.py EXPORT.json"""

import datetime
import json
import re
import sys

from france_travail_api.offres.models.offre import Offre

EXIGENCE = {"E": "OBLIGATOIRE", "S": "SOUHAITE"}


def when(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


# Fields read back as they were written, each as the library's attribute of the same name in
# snake case (acronyms as one word: accessibleTH, accessible_th).
PLAIN = ("id", "intitule", "description", "romeCode", "romeLibelle", "appellationlibelle",
         "typeContratLibelle", "natureContrat", "experienceLibelle", "dureeTravailLibelle",
         "dureeTravailLibelleConverti", "nombrePostes", "accessibleTH", "qualificationCode",
         "codeNAF", "secteurActivite", "offresManqueCandidats")
LIEU = ("libelle", "latitude", "longitude", "codePostal", "commune")
# Where the library's name is not the field's in snake case.
ATTRIBUTES = {"appellationlibelle": "appellation_libelle"}


def attribute(key):
    return ATTRIBUTES.get(key) or re.sub(r"([a-z])([A-Z])", r"\1_\2", key).lower()


def expected_and_read(raw, offre):
    """(field, what we wrote, what the library read) for every field we fill."""
    pairs = [(key, raw.get(key), getattr(offre, attribute(key))) for key in PLAIN]
    pairs += [
        ("typeContrat", raw.get("typeContrat"), offre.type_contrat and offre.type_contrat.value),
        ("experienceExige", raw.get("experienceExige"),
         offre.experience_exige and offre.experience_exige.to_api_value()),
        ("dateCreation", raw.get("dateCreation") and when(raw["dateCreation"]), offre.date_creation),
        ("dateActualisation", raw.get("dateActualisation") and when(raw["dateActualisation"]),
         offre.date_actualisation),
        ("salaire.libelle", (raw.get("salaire") or {}).get("libelle"),
         offre.salaire and offre.salaire.libelle),
    ]
    lieu = raw.get("lieuTravail") or {}
    pairs += [(f"lieuTravail.{key}", lieu.get(key),
               offre.lieu_travail and getattr(offre.lieu_travail, attribute(key)))
              for key in LIEU]
    competences = raw.get("competences") or []
    pairs.append(("competences", [(c.get("code"), c.get("libelle"), EXIGENCE.get(c.get("exigence")))
                                  for c in competences],
                  [(c.code, c.libelle, c.exigence and c.exigence.value) for c in offre.competences or []]))
    permis = raw.get("permis") or []
    pairs.append(("permis", [p.get("libelle") for p in permis], [p.libelle for p in offre.permis or []]))
    return [(field, wrote, read) for field, wrote, read in pairs if wrote not in (None, [], "")]


def main(path):
    with open(path, encoding="utf-8") as handle:
        offers = json.load(handle)["resultats"]
    checked = 0
    failures = []
    for raw in offers:
        offre = Offre.from_dict(raw)
        for field, wrote, read in expected_and_read(raw, offre):
            checked += 1
            if wrote != read:
                failures.append(f"offer {raw.get('id')}: {field}: wrote {wrote!r}, read {read!r}")
    if not offers:
        print("no offer in the export", file=sys.stderr)
        return 1
    for failure in failures[:20]:
        print(failure, file=sys.stderr)
    print(f"france-travail-api read {len(offers)} offers; {checked} filled fields compared, "
          f"{len(failures)} differences")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
