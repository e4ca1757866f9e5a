"""Reads a Passerelle offers export with France Travail's own client library
(PyPI france-travail-api, Offre.from_dict) and checks that every field Passerelle filled reads
back with the same value. Usage: python check_offers_export.py EXPORT.json"""

import datetime
import json
import sys

from france_travail_api.offres.models.offre import Offre

EXIGENCE = {"E": "OBLIGATOIRE", "S": "SOUHAITE"}


def when(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def expected_and_read(raw, offre):
    """(field, what we wrote, what the library read) for every field we fill."""
    pairs = [
        ("id", raw.get("id"), offre.id),
        ("intitule", raw.get("intitule"), offre.intitule),
        ("description", raw.get("description"), offre.description),
        ("romeCode", raw.get("romeCode"), offre.rome_code),
        ("romeLibelle", raw.get("romeLibelle"), offre.rome_libelle),
        ("appellationlibelle", raw.get("appellationlibelle"), offre.appellation_libelle),
        ("typeContrat", raw.get("typeContrat"), offre.type_contrat and offre.type_contrat.value),
        ("typeContratLibelle", raw.get("typeContratLibelle"), offre.type_contrat_libelle),
        ("natureContrat", raw.get("natureContrat"), offre.nature_contrat),
        ("experienceExige", raw.get("experienceExige"),
         offre.experience_exige and offre.experience_exige.to_api_value()),
        ("experienceLibelle", raw.get("experienceLibelle"), offre.experience_libelle),
        ("dureeTravailLibelle", raw.get("dureeTravailLibelle"), offre.duree_travail_libelle),
        ("dureeTravailLibelleConverti", raw.get("dureeTravailLibelleConverti"),
         offre.duree_travail_libelle_converti),
        ("nombrePostes", raw.get("nombrePostes"), offre.nombre_postes),
        ("accessibleTH", raw.get("accessibleTH"), offre.accessible_th),
        ("qualificationCode", raw.get("qualificationCode"), offre.qualification_code),
        ("codeNAF", raw.get("codeNAF"), offre.code_naf),
        ("secteurActivite", raw.get("secteurActivite"), offre.secteur_activite),
        ("offresManqueCandidats", raw.get("offresManqueCandidats"), offre.offres_manque_candidats),
        ("dateCreation", raw.get("dateCreation") and when(raw["dateCreation"]), offre.date_creation),
        ("dateActualisation", raw.get("dateActualisation") and when(raw["dateActualisation"]),
         offre.date_actualisation),
        ("salaire.libelle", (raw.get("salaire") or {}).get("libelle"),
         offre.salaire and offre.salaire.libelle),
    ]
    lieu = raw.get("lieuTravail") or {}
    for key in ("libelle", "latitude", "longitude", "codePostal", "commune"):
        attribute = "code_postal" if key == "codePostal" else key
        pairs.append((f"lieuTravail.{key}", lieu.get(key),
                      offre.lieu_travail and getattr(offre.lieu_travail, attribute)))
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
