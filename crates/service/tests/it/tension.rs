//! The tension of occupations through the API: the official one (embedded DARES edition) and
//! the local one (the tests' world), with their wrong parameters named.

use testdb::TestDb;

use crate::support::*;

pub async fn official_and_local_tension_through_the_api(db: TestDb) {
    let (server, _world) = Server::start(db).await;
    let partner = server.login("partner@p.fr").await;

    // Aides-soignants in Seine-Saint-Denis: the 2019 edition answers at the regional level.
    let (status, official) = partner
        .get("/api/v1/tension/official?rome=J1501&department=93")
        .await;
    assert_eq!(status, 200, "{official}");
    assert_eq!(official["level"], "region");
    assert_eq!(official["territory"], "11");
    assert_eq!(official["class"], 3);
    assert_eq!(official["families"][0]["fap"], "V0Z60");
    assert_eq!(official["combined"], false);
    for (query, field) in [
        ("rome=Z9999", "?rome"),
        ("rome=J1501&department=99", "?department"),
        ("rome=J1501&region=00", "?region"),
        ("rome=J1501&department=93&region=11", "?region"),
        ("department=93", "?rome"),
    ] {
        let (status, body) = partner
            .get(&format!("/api/v1/tension/official?{query}"))
            .await;
        assert_eq!(status, 422, "{query}: {body}");
        assert_eq!(body["fields"][0]["path"], field, "{query}: {body}");
    }

    // The tests' world: two offers (N1101 in Saint-Denis) published on 2026-03-01, four job
    // seekers. Everything is under twenty: the cell is there, its figures withheld.
    let (status, local) = partner
        .get("/api/v1/tension/local?department=93&quarter=2026-Q1")
        .await;
    assert_eq!(status, 200, "{local}");
    assert_eq!(local["period"], "2026-Q1");
    assert_eq!(local["secret_below"], 20);
    assert!(
        local["measure"]
            .as_str()
            .unwrap()
            .contains("not the DARES tension")
    );
    assert_eq!(local["total"], 1, "{local}");
    let cell = &local["cells"][0];
    assert_eq!(
        (
            cell["occupation"].as_str(),
            cell["territory"].as_str(),
            cell["period"].as_str()
        ),
        (Some("N1101"), Some("93"), Some("2026-Q1"))
    );
    assert!(
        cell["offers"].is_null() && cell["seekers"].is_null(),
        "{cell}"
    );
    // By FAP family (N1101 is in J0Z20 and J1Z40) and by group of communes (Saint-Denis is in
    // Plaine Commune): the same offers, in each of their families, in their group.
    let (status, local) = partner
        .get("/api/v1/tension/local?department=93&quarter=2026-Q1&occupations=fap&territories=commune_group")
        .await;
    assert_eq!(status, 200, "{local}");
    assert_eq!(
        (local["occupations"].as_str(), local["territories"].as_str()),
        (Some("fap"), Some("commune_group"))
    );
    let cells: Vec<(&str, &str)> = local["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["occupation"].as_str().unwrap(),
                c["territory"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        cells,
        [("J0Z20", "200057867"), ("J1Z40", "200057867")],
        "{local}"
    );
    // One family asked: `fap` alone implies occupations by family.
    let (status, local) = partner
        .get("/api/v1/tension/local?department=93&quarter=2026-Q1&fap=j1z40")
        .await;
    assert_eq!(status, 200, "{local}");
    assert_eq!(local["total"], 1, "{local}");
    assert_eq!(local["cells"][0]["occupation"], "J1Z40");
    for (query, field) in [
        ("quarter=2026-Q5", "?quarter"),
        ("month=2026-13", "?month"),
        ("year=1999", "?year"),
        ("quarter=2026-Q1&month=2026-01", "?month"),
        ("quarter=2026-Q1&year=2026", "?year"),
        ("department=99", "?department"),
        ("rome=Z9999", "?rome"),
        ("limit=0", "?limit"),
        ("occupations=famille", "?occupations"),
        ("territories=epci", "?territories"),
        ("fap=T4Z", "?fap"),
        ("fap=J1Z40&rome=N1101", "?fap"),
        ("occupations=fap&rome=N1101", "?rome"),
        ("occupations=rome&fap=J1Z40", "?fap"),
    ] {
        let (status, body) = partner.get(&format!("/api/v1/tension/local?{query}")).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert_eq!(body["fields"][0]["path"], field, "{query}: {body}");
    }

    // The page shows the same cell, the official class beside it (N1101 in the 93: the
    // region's, 3 of 5), the local figures withheld.
    let html = partner
        .page("/tension?departement=93&trimestre=2026-T1")
        .await
        .html;
    assert!(html.contains("1er trimestre 2026"), "{html}");
    assert!(html.contains("(N1101)"), "{html}");
    assert!(html.contains("3 sur 5"), "{html}");
    assert!(html.contains("(région)"), "{html}");
    assert!(html.contains("&lt; 20"), "{html}");
    // By family and group of communes: the families named by a code and their first
    // occupation, the group by its name.
    let html = partner
        .page("/tension?departement=93&trimestre=2026-T1&par=famille&territoire=intercommunalite")
        .await
        .html;
    assert!(html.contains("Famille J0Z20 : "), "{html}");
    assert!(html.contains("Plaine Commune (EPT)"), "{html}");
    assert!(
        html.contains("une offre compte alors dans chacune"),
        "{html}"
    );
    // By family, an occupation of several families asks for one of them.
    let page = partner
        .page("/tension?departement=93&par=famille&metier=N1101")
        .await;
    assert!(
        page.html
            .contains("relève de plusieurs familles professionnelles (J0Z20, J1Z40)"),
        "{}",
        page.html
    );
    // An occupation that cannot be read is said beside its field, as is one no search takes.
    for typed in ["%C3%A9", &"a".repeat(300)] {
        let page = partner
            .page(&format!("/tension?departement=93&metier={typed}"))
            .await;
        assert_eq!(page.status, 200, "{typed}: {}", page.html);
        assert!(
            page.html.contains("id=\"metier-error\""),
            "{typed}: {}",
            page.html
        );
    }
    // So is a department outside the region, or a quarter that cannot be read: the page shows
    // the defaults and says why beside the field.
    let page = partner.page("/tension?departement=99").await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html.contains("id=\"departement-error\""),
        "{}",
        page.html
    );
    assert!(
        page.html
            .contains("« 99 » n&#39;est pas un département de la région"),
        "{}",
        page.html
    );
    let page = partner
        .page("/tension?departement=93&trimestre=2026-Q9")
        .await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html.contains("id=\"trimestre-error\""),
        "{}",
        page.html
    );
    assert!(page.html.contains("value=\"2026-Q9\""), "{}", page.html);
    server.stop().await;
}
