//! The simulated region's training catalogue (axis 4 of the agreement: reconversion toward
//! occupations that recruit), session by session as a Carif-Oref publishes it in LHEO
//! (formation → action → session): sessions starting over the year before the reference day
//! and the six months after it ([`DAYS_BEFORE`], [`DAYS_AFTER`]), as many as
//! [`SESSIONS_PER_YEAR`] gives at the configuration's scale, most in the occupations the
//! official tension edition puts in tension in the region ([`IN_TENSION`]).
//!
//! Each formation is one body's offer of one family of training ([`FAMILIES`]: titles,
//! Formacode, NSF and RNCP codes, hours); its actions are where and how it is given (a site of
//! the body's department, hours, teaching mode, funders, publics); its sessions are the
//! cohorts of an action, one after the other. Bodies are fictional, named like the
//! simulation's other structures: an AFPA centre, a GRETA, a CFA and an IFAS in each
//! department, and private bodies where Défi métiers finds them ([`IDF_BODY_SHARES`]).
//!
//! Like the structures, the catalogue is a pure function of the configuration: the same seed
//! gives the same catalogue. Figures are cited beside each constant; where none is published
//! the constant says it is an assumption.

use chrono::{Datelike, Duration, NaiveDate};
use domain::{InseeCode, Postcode, RomeCode, Siret};
use model::trainings::{
    LheoDate, TeachingMode, TrainingBody, TrainingPlace, TrainingSessionRecord,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::Config;
use crate::draws::draw;
use crate::places::{Commune, Places};
use crate::work::Weighted;

/// Sessions starting in a year in Île-de-France's catalogue of the vocational trainings
/// simulated here. Order of magnitude: the catalogue of Défi métiers, the Île-de-France
/// Carif-Oref (its DOKELIO base), lists tens of thousands of sessions a year, 30,000 to 50,000
/// by the estimate the issue gives; no published count was found to check it. The lower end is
/// kept (an assumption), since the families simulated leave out languages, office software,
/// management and the other trainings that do not lead to an occupation. Other regions get it
/// in proportion to their population, as in [`crate::figures`].
pub const SESSIONS_PER_YEAR: f64 = 30_000.0;

/// Île-de-France's population, the same as [`crate::figures`]'s (INSEE).
const IDF_POPULATION: f64 = 12_463_067.0;

/// Sessions start between a year before the reference day and six months after it.
pub const DAYS_BEFORE: i64 = 365;
pub const DAYS_AFTER: i64 = 182;

/// Share of sessions in an occupation in tension in the region, the others in common
/// occupations that are not (an assumption: regions and France Travail buy training mostly in
/// the occupations that recruit). An occupation is in tension when the official edition
/// (`refdata::tension`, DARES / France Travail 2019) gives its first ROME code a class of at
/// least [`TENSION_CLASS`] in the region ("tension forte" or "très forte"). Each formation's
/// family is drawn among those in tension while their sessions fall short of this share, else
/// among the others, by the families' weights.
pub const IN_TENSION: f64 = 0.80;
pub const TENSION_CLASS: u8 = 4;

/// Share of sessions whose start is known to the month only (`YYYYMM00`), as catalogues hold
/// (an assumption about how often bodies leave the day open).
pub const MONTH_ONLY: f64 = 0.10;

/// Share of sessions with permanent entries and exits, their end written `99999999` (an
/// assumption; kept few).
pub const PERMANENT_ENTRY: f64 = 0.02;

/// Share of the sessions of the families that lend themselves to it given as a POEC, a
/// training tailored to employers' hires (an assumption). POEC are of 150 to 400 hours: the
/// POEI set up with France Travail and the Institut de Soudure for welders lasted "400 heures
/// de formation, dont 3 semaines en entreprise" (Sogeca, a pipe-welding firm of the Tellos
/// group, sogeca-tp.com, on how welders are trained).
pub const POEC: f64 = 0.15;
const POEC_CENTRE: (u32, u32) = (150, 315);
const POEC_ENTERPRISE: (u32, u32) = (0, 84);

/// Hours a week in the centre or in the enterprise.
pub const HOURS_PER_WEEK: u32 = 35;

/// Where Île-de-France's training bodies are: of the more than 600 bodies of DOKELIO
/// Île-de-France that answered Défi métiers' first annual survey, 42 % are in Paris, 14 % in
/// the Hauts-de-Seine, 10 % in the Val-de-Marne, the other departments a third together
/// ("Défi métiers publie les premiers résultats d'une étude annuelle auprès des organismes de
/// formation franciliens", June 2022). Private bodies follow it; elsewhere, and within the
/// other departments, the population.
pub const IDF_BODY_SHARES: [(&str, f64); 3] = [("75", 0.42), ("92", 0.14), ("94", 0.10)];

/// Sessions of the catalogue per private body (an assumption), for their number.
const SESSIONS_PER_PRIVATE_BODY: f64 = 80.0;

/// `dict-financeurs` (LHEO 2.3, `lheo-gml.xml`): 2 regional council, 4 Pôle emploi (France
/// Travail), 5 enterprise, 7 Agefiph, 10 the trainee (CPF), 16 an OPCO; the combinations and
/// their shares are an assumption (regional programmes first, then France Travail's purchases).
const FUNDERS: [(&[&str], f64); 7] = [
    (&["2"], 0.35),
    (&["4"], 0.25),
    (&["2", "4"], 0.10),
    (&["10"], 0.15),
    (&["16"], 0.08),
    (&["5"], 0.04),
    (&["4", "7"], 0.03),
];

/// `dict-public-vise` (Formacode V10): 80006 job seekers, then sometimes 80009 job seekers
/// under 26, 80005 RSA recipients, 81020 disabled people, 82044 employees (assumed shares).
const JOB_SEEKERS: &str = "80006";
const OTHER_PUBLICS: [(&str, f64); 4] = [
    ("80009", 0.25),
    ("80005", 0.15),
    ("81020", 0.20),
    ("82044", 0.10),
];

/// The body kinds (an IFAS is an institut de formation d'aides-soignants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Afpa,
    Greta,
    Cfa,
    Ifas,
    Private,
}

/// A family of trainings toward one occupation (a line of [`FAMILIES`]).
#[derive(Debug, Clone)]
struct Family {
    /// The occupation, for the titles of POEC.
    trade: &'static str,
    /// ROME 4.0 codes whose keys ROME v3 has, the first the main one.
    romes: Vec<&'static str>,
    titles: Vec<&'static str>,
    objective: &'static str,
    formacodes: Vec<&'static str>,
    nsf: &'static str,
    rncp: Option<&'static str>,
    certifying: bool,
    /// Hours in the centre and in the enterprise, (least, most).
    centre: (u32, u32),
    enterprise: (u32, u32),
    /// `dict-niveaux`: 1 no specific level, 3 level V bis, 4 level V (CAP).
    entry_level: u8,
    /// The family's share of a catalogue before the tension is weighed (an assumption).
    weight: f64,
    bodies: Vec<(Kind, f64)>,
    /// Also given as POEC.
    poec: bool,
    /// Taught on machines, vehicles or patients: in person only, fixed dates.
    practical: bool,
}

/// The families, one a line: trade | ROME codes | titles (`;` between) | objective |
/// Formacodes | NSF | RNCP (`-` none) | certifying | centre hours | enterprise hours | entry
/// level | weight | bodies (A AFPA, G GRETA, C CFA, I IFAS, P private, with their percent) |
/// `poec`, `practical`.
///
/// Hours, where published: the DEAS is 770 hours in the institute and 770 in placements
/// (arrêté du 10 juin 2021); the bus driver's titre professionnel 399 hours from a car licence,
/// 315 or 210 with a bus licence (arrêté du 9 avril 2018, CER réseau); a welder's training
/// about 700 hours (question écrite n° 6750, Assemblée nationale, 2023). The others are
/// assumptions within the usual 35 to 70 hours of a CACES and 400 to 900 hours of a titre
/// professionnel. RNCP numbers: RNCP37878 (France compétences' fiche of the bus driver's
/// title), RNCP37098 (conseiller de vente, in mission-apprentissage's certification data),
/// RNCP40692 (DEAS, ONISEP's fiche FOR.7120); the others are left out rather than guessed.
/// Formacodes checked: 42093 nettoyage locaux, 43429 agent service hospitalier (France
/// compétences, fiche RNCP36439), 31805 transport en commun routier (RNCP37878), 42822
/// surveillance protection gardiennage and 42810 surveillance gardiennage (RNCP38451,
/// RNCP37751), 43436 aide-soignant, 44028 auxiliaire de vie sociale and 44030 assistance
/// maternelle (La Bonne Formation's regional rules, StartupsPoleEmploi/labonneformation). The
/// others (31854, 42752, 42766, 23054, 31826, 24049, 22652, 22454, 31088, 34554) are recalled,
/// not checked: realistic in form only. Not 31812, often given for forklifts: it is the car
/// licence (La Bonne Formation, Occitanie's rules).
const FAMILIES: [&str; 22] = [
    "Cariste | N1101 | CACES® R489 cariste catégories 1A, 3 et 5 ; CACES® R489 catégories 3 et \
     5 — chariots élévateurs ; Conduite en sécurité des chariots élévateurs (CACES® R489 cat. \
     1A, 3, 5) | Conduire en sécurité les chariots à conducteur porté des catégories 1A, 3 et 5 \
     (charges < 6 t) et passer les tests du CACES® R489. | 31854 | 311 | - | 0 | 35-70 | 0-0 | \
     1 | 0.14 | P80 A20 | practical",
    "Cariste | N1101 N1103 | Titre professionnel Cariste d'entrepôt | Préparer le titre \
     professionnel « Cariste d'entrepôt » : réception, stockage & déstockage des marchandises, \
     inventaires, chargement des camions. | 31854 | 311 | - | 1 | 350-455 | 70-140 | 1 | 0.04 \
     | A50 G20 P30 | practical",
    "Préparateur de commandes | N1103 N1105 | Titre professionnel Préparateur de commandes en \
     entrepôt | Préparer les commandes au prélèvement manuel ou à la commande vocale, conduire \
     un transpalette à conducteur porté (cat. 1A) & contrôler les expéditions. | 31854 | 311 | \
     - | 1 | 280-385 | 70-140 | 1 | 0.06 | A40 G20 P40 | poec",
    "Agent de propreté | K2204 | Titre professionnel Agent de propreté et d'hygiène ; CQP Agent \
     machiniste classique | Entretenir les locaux à la main et à la machine, assurer le \
     bionettoyage en milieu sensible & la remise en état des sols, selon les protocoles \
     d'hygiène. | 42093 | 343 | - | 1 | 280-420 | 70-140 | 1 | 0.06 | P50 G30 A20 | poec",
    "Agent de service hospitalier | J1301 | Agent de service hospitalier — hygiène des locaux de \
     soins | Assurer l'hygiène des chambres et des locaux de soins, le service des repas & \
     l'accueil des patients, avec l'équipe soignante. | 43429 42093 | 331 | - | 0 | 105-210 | \
     35-105 | 1 | 0.03 | G40 P40 I20 | poec",
    "Aide-soignant | J1501 | Aide-soignant (DEAS) ; Diplôme d'État d'aide-soignant — cursus \
     complet | Préparer le diplôme d'État d'aide-soignant : accompagner la personne dans les \
     soins de la vie quotidienne, évaluer son état clinique & collaborer avec l'infirmier (770 h \
     en institut, 770 h en stage). | 43436 | 331 | RNCP40692 | 1 | 770-770 | 770-770 | 1 | \
     0.06 | I85 G15 | practical",
    "Assistant de vie aux familles | K1302 K1304 | Titre professionnel Assistant de vie aux \
     familles (ADVF) | Accompagner les personnes âgées ou handicapées à domicile : entretien du \
     logement & du linge, repas, aide à la toilette et aux déplacements. | 44028 | 330 | - | 1 | \
     420-560 | 140-210 | 1 | 0.05 | A30 G30 P40 |",
    "Accompagnant petite enfance | K1303 | CAP Accompagnant éducatif petite enfance — parcours \
     adultes | Accompagner les enfants de moins de six ans (soins, repas, éveil & jeux) en \
     crèche, à l'école maternelle ou à domicile. | 44030 | 332 | - | 1 | 420-560 | 280-420 | 1 \
     | 0.03 | G50 C30 P20 |",
    "Cuisinier | G1602 | Titre professionnel Cuisinier ; CAP Cuisine — parcours adultes | \
     Réaliser les entrées, plats & desserts d'une carte en restauration traditionnelle ou \
     collective, selon les règles d'hygiène (HACCP). | 42752 | 221 | - | 1 | 560-700 | 140-280 \
     | 1 | 0.04 | A30 G30 C30 P10 |",
    "Agent de restauration | G1603 | Titre professionnel Agent de restauration | Préparer les \
     hors-d'œuvre et les desserts, assembler les plats, tenir la distribution & le lavage en \
     restauration collective ou rapide. | 42752 | 221 | - | 1 | 315-420 | 70-140 | 1 | 0.03 | \
     A30 G30 P40 | poec",
    "Serveur | G1803 | Titre professionnel Serveur en restauration | Accueillir les clients, \
     prendre les commandes & servir en salle, en français et en anglais. | 42766 | 334 | - | 1 \
     | 420-525 | 140-210 | 1 | 0.03 | A40 G30 C30 | poec",
    "Agent de sécurité | K2503 | CQP Agent de prévention et de sécurité (APS) ; Titre \
     professionnel Agent de sûreté et de sécurité privée | Obtenir la qualification exigée par \
     le CNAPS pour la carte professionnelle : surveillance, contrôle d'accès, rondes & premiers \
     secours. | 42822 42810 | 344 | - | 1 | 175-280 | 0-70 | 1 | 0.06 | P90 G10 | poec",
    "Soudeur | H2913 | Titre professionnel Soudeur assembleur industriel ; Soudeur TIG / MIG-MAG \
     — qualification EN ISO 9606-1 | Souder à l'arc (procédés 111, 135 & 141) des assemblages \
     en acier, lire un plan et préparer les qualifications de soudeur. | 23054 | 254 | - | 1 | \
     560-700 | 140-210 | 1 | 0.03 | A50 G20 P30 | poec practical",
    "Conducteur de bus | N4103 | Titre professionnel Conducteur de transport en commun sur route \
     ; Formation Conducteur de transport en commun sur route (permis D & FIMO voyageurs) | \
     Conduire un autobus ou un autocar en sécurité sur lignes urbaines, interurbaines et \
     scolaires, accueillir les voyageurs & réagir aux incidents. | 31805 | 311 | RNCP37878 | 1 \
     | 210-399 | 0-70 | 1 | 0.03 | A40 P60 | practical",
    "Conducteur poids lourd | N4101 N4105 | Titre professionnel Conducteur du transport routier \
     de marchandises sur porteur ; Permis C & FIMO marchandises | Obtenir le permis C et la \
     qualification initiale (FIMO) pour transporter des marchandises sur porteur, en sécurité & \
     dans les délais. | 31826 | 311 | - | 1 | 280-420 | 35-70 | 1 | 0.04 | A30 P70 | practical",
    "Conducteur livreur | N4105 | Titre professionnel Conducteur livreur sur véhicule utilitaire \
     léger | Livrer des marchandises en tournée sur un véhicule de moins de 3,5 t : chargement, \
     itinéraire & remise au client. | 31826 | 311 | - | 1 | 280-350 | 70-105 | 1 | 0.03 | A30 \
     P70 | poec practical",
    "Électricien | F1602 | Titre professionnel Électricien d'équipement du bâtiment | Installer \
     les réseaux électriques et de communication des bâtiments neufs ou rénovés, habilitation \
     électrique B1V-BR incluse. | 24049 | 255 | - | 1 | 630-840 | 140-210 | 1 | 0.03 | A50 G30 \
     C20 |",
    "Installateur thermique et sanitaire | F1603 | Titre professionnel Installateur en \
     thermique et sanitaire | Installer & raccorder les équipements sanitaires et de chauffage \
     d'un logement, du plan à la mise en service. | 22652 | 227 | - | 1 | 630-840 | 140-210 | 1 \
     | 0.03 | A50 G20 C30 |",
    "Maçon | F1703 | Titre professionnel Maçon ; CAP Maçon — parcours adultes | Réaliser les \
     fondations, murs & dalles d'une maison individuelle ou d'un petit collectif, en lisant les \
     plans d'exécution. | 22454 | 232 | - | 1 | 630-840 | 140-210 | 1 | 0.03 | A40 G20 C40 |",
    "Technicien de maintenance | I1304 | Titre professionnel Technicien de maintenance \
     industrielle | Diagnostiquer les pannes & assurer la maintenance préventive et corrective \
     des équipements de production (mécanique, électricité, automatismes). | 31088 | 250 | - | \
     1 | 840-1050 | 140-280 | 4 | 0.03 | A60 G20 P20 |",
    "Employé commercial | D1507 D1106 | Titre professionnel Employé commercial en magasin | \
     Approvisionner les rayons, tenir une caisse & accueillir les clients d'un magasin en \
     libre-service. | 34554 | 312 | - | 1 | 385-490 | 105-210 | 1 | 0.04 | G40 C20 P40 | poec",
    "Conseiller de vente | D1214 | Titre professionnel Conseiller de vente | Conseiller & vendre \
     en magasin comme en ligne, tenir l'espace de vente et contribuer à ses résultats. | 34554 \
     | 312 | RNCP37098 | 1 | 420-560 | 140-210 | 3 | 0.03 | G40 C30 P30 |",
];

/// Reads a line of [`FAMILIES`], its fields in order (none when it is malformed, which a test
/// rules out).
fn family(line: &'static str) -> Option<Family> {
    let mut field = line.split('|').map(str::trim);
    let range = |text: &str| -> Option<(u32, u32)> {
        let (least, most) = text.split_once('-')?;
        Some((least.parse().ok()?, most.parse().ok()?))
    };
    let kind = |body: &str| -> Option<(Kind, f64)> {
        let kind = match body.get(..1)? {
            "A" => Kind::Afpa,
            "G" => Kind::Greta,
            "C" => Kind::Cfa,
            "I" => Kind::Ifas,
            _ => Kind::Private,
        };
        Some((kind, body.get(1..)?.parse::<f64>().ok()? / 100.0))
    };
    let family = Family {
        trade: field.next()?,
        romes: field.next()?.split_whitespace().collect(),
        titles: field.next()?.split(';').map(str::trim).collect(),
        objective: field.next()?,
        formacodes: field.next()?.split_whitespace().collect(),
        nsf: field.next()?,
        rncp: field.next().filter(|r| *r != "-"),
        certifying: field.next()? == "1",
        centre: range(field.next()?)?,
        enterprise: range(field.next()?)?,
        entry_level: field.next()?.parse().ok()?,
        weight: field.next()?.parse().ok()?,
        bodies: field
            .next()?
            .split_whitespace()
            .map(kind)
            .collect::<Option<_>>()?,
        poec: field.clone().next()?.contains("poec"),
        practical: field.next()?.contains("practical"),
    };
    field.next().is_none().then_some(family)
}

fn families() -> Vec<Family> {
    FAMILIES.iter().filter_map(|line| family(line)).collect()
}

/// Hours the bus driver's title requires by the licence held at entry (see [`FAMILIES`]): a
/// car licence only for half the trainees (an assumption).
const BUS_HOURS: [(u32, f64); 3] = [(210, 0.25), (315, 0.25), (399, 1.0)];

/// Fictional brands of private training bodies, and streets.
const BRANDS: &str = "Forma'Avenir;Compétences & Métiers;Atelier Pro Formation;Horizon \
                      Compétences;Logi'Form;Sécur'Up Formation;Institut Trajectoires;Talents & \
                      Gestes;Métiers Plus;Ascendance Formation;Pass'Compétences";
const STREETS: &str = "rue de la République;avenue Jean Jaurès;rue Victor Hugo;boulevard \
                       Pasteur;rue des Métiers;allée de la Formation;rue de l'Industrie";

/// Teaching modes: mostly in person (an assumption), never at a distance for the trainings on
/// machines, vehicles or patients.
const TEACHING: [(TeachingMode, f64); 3] = [
    (TeachingMode::Mixed, 0.12),
    (TeachingMode::Distance, 0.03),
    (TeachingMode::InPerson, 1.0),
];

/// One of `items` at random (the first when there is none).
fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    let i = rng.random_range(0..items.len().max(1));
    items.get(i).or(items.first()).copied().unwrap_or_default()
}

/// One of the `;`-separated items of `list`.
fn pick_of(rng: &mut StdRng, list: &'static str) -> &'static str {
    pick(rng, &list.split(';').collect::<Vec<_>>())
}

/// Hours between the bounds, in whole days of seven hours where the bounds allow.
fn hours(rng: &mut StdRng, (least, most): (u32, u32)) -> u32 {
    let drawn = rng.random_range(least..=most.max(least));
    (drawn / 7 * 7).clamp(least, most.max(least))
}

/// The Monday on or after `day`.
fn monday(day: NaiveDate) -> NaiveDate {
    let ahead = (7 - day.weekday().num_days_from_monday()) % 7;
    day + Duration::days(i64::from(ahead))
}

/// Where a body or a session is: a commune, its point and its postcode.
type Site = (InseeCode, (f64, f64), Option<String>);

fn site(c: &Commune) -> Site {
    (c.code.clone(), c.point, c.postcode.clone())
}

#[derive(Debug, Clone)]
struct Body {
    kind: Kind,
    name: String,
    siret: Siret,
    slug: String,
    department: usize,
    site: Site,
}

/// Whether the official edition puts a ROME code in tension in a region ([`TENSION_CLASS`]).
pub fn in_tension(region: &str, rome: &str) -> bool {
    refdata::tensions()
        .official(rome, refdata::tension::Territory::Region(region))
        .is_ok_and(|t| t.class >= TENSION_CLASS)
}

/// How many sessions the catalogue of a configuration holds.
pub fn session_count(config: &Config) -> u64 {
    let population = |p: Places| p.departments.iter().map(|d| d.population).sum::<u64>();
    let size = match config.region.as_str() {
        "11" => 1.0,
        region => Places::new(region).map_or(0.0, |p| population(p) as f64 / IDF_POPULATION),
    };
    let span = (DAYS_BEFORE + DAYS_AFTER) as f64 / 365.0;
    (SESSIONS_PER_YEAR * size * span * config.scale)
        .round()
        .max(1.0) as u64
}

/// The catalogue: every session, its formation's first, in the order their formations were
/// drawn. Empty for a region without communes (none that [`Config::new`] accepts).
pub fn catalogue(config: &Config) -> Vec<TrainingSessionRecord> {
    let Ok(places) = Places::new(&config.region) else {
        return Vec::new();
    };
    let count = session_count(config);
    let bodies = bodies(config, &places, count);
    let all = families();
    let weights = all.iter().enumerate().map(|(i, f)| (i, f.weight));
    let (tense, other): (Vec<_>, Vec<_>) = weights.partition(|(i, _)| {
        let main = all.get(*i).and_then(|f| f.romes.first());
        main.is_some_and(|r| in_tension(&config.region, r))
    });
    let groups = [
        (tense.is_empty(), Weighted::new(tense)),
        (other.is_empty(), Weighted::new(other)),
    ];
    let mut writer = Writer {
        config,
        places: &places,
        bodies: &bodies,
        out: Vec::with_capacity(count as usize),
        count: count as usize,
        actions: 0,
        offset: (config.seed % 1_000) * 1_000_000,
    };
    let (mut formation, mut in_tension_so_far) = (0u64, 0usize);
    while writer.out.len() < writer.count && formation < 10 * count + 100 {
        let mut rng = StdRng::seed_from_u64(
            (config.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15))
                .wrapping_add(7u64.wrapping_mul(0xD6E8_FEB8_6659_FD93))
                .wrapping_add(formation),
        );
        // The families in tension while their sessions fall short of their share.
        let tense = match groups {
            [(true, _), _] => false,
            [_, (true, _)] => true,
            _ => (in_tension_so_far as f64) < IN_TENSION * (writer.out.len() + 1) as f64,
        };
        let group = groups
            .get(usize::from(!tense))
            .and_then(|g| g.1.draw(&mut rng));
        let before = writer.out.len();
        if let Some(family) = group.and_then(|i| all.get(i)) {
            writer.formation(family, formation, &mut rng);
        }
        if tense {
            in_tension_so_far += writer.out.len() - before;
        }
        formation += 1;
    }
    writer.out
}

/// The training bodies: in each department an AFPA centre, a GRETA, a CFA and an IFAS, and
/// private bodies ([`SESSIONS_PER_PRIVATE_BODY`]) spread as [`IDF_BODY_SHARES`] says.
fn bodies(config: &Config, places: &Places, sessions: u64) -> Vec<Body> {
    let mut rng = StdRng::seed_from_u64(config.seed ^ 0x7AA1_0F0A);
    let (geo, idf) = (refdata::geo(), config.region == "11");
    let total: u64 = places.departments.iter().map(|d| d.population).sum();
    let named: f64 = IDF_BODY_SHARES.iter().map(|s| s.1).sum();
    let unnamed: u64 = (places.departments.iter())
        .filter(|d| !IDF_BODY_SHARES.iter().any(|s| s.0 == d.code))
        .map(|d| d.population)
        .sum();
    let private = (sessions as f64 / SESSIONS_PER_PRIVATE_BODY).max(1.0);
    let mut out = Vec::new();
    let mut n: u32 = 0;
    for (i, department) in places.departments.iter().enumerate() {
        let population = department.population as f64;
        let share = match IDF_BODY_SHARES.iter().find(|s| s.0 == department.code) {
            Some(s) if idf => s.1,
            _ if idf => (1.0 - named) * population / unnamed.max(1) as f64,
            _ => population / total.max(1) as f64,
        };
        let privates = (private * share).round().max(2.0) as usize;
        let department_name = geo.department(&department.code).map_or("", |d| d.name);
        let mut kinds = vec![Kind::Afpa, Kind::Greta, Kind::Cfa, Kind::Ifas];
        kinds.extend(std::iter::repeat_n(Kind::Private, privates));
        for kind in kinds {
            let commune = match kind {
                Kind::Greta | Kind::Ifas => department.largest(1).next(),
                _ => department.draw(&mut rng),
            };
            let Some(commune) = commune else {
                continue;
            };
            n += 1;
            let city = geo.commune(commune.code.as_str()).map_or("", |c| c.name);
            let brand = pick_of(&mut rng, BRANDS);
            let name = match kind {
                Kind::Afpa => format!("AFPA {city} (centre fictif)"),
                Kind::Greta => format!("GRETA {} {department_name} (fictif)", department.code),
                Kind::Cfa => format!("CFA des métiers {city} (fictif)"),
                Kind::Ifas => format!("IFAS {city} (institut fictif)"),
                Kind::Private => format!("{brand} — {city} (organisme fictif n°{n})"),
            };
            let short = crate::people::folded(name.split(" (").next().unwrap_or_default());
            out.push(Body {
                kind,
                slug: format!("{short}-{}-{n}", department.code.to_ascii_lowercase()),
                name,
                siret: Siret::with_check_digits(80_000_000 + n, 1),
                department: i,
                site: site(commune),
            });
        }
    }
    out
}

/// Builds the records, keeping the running numbers.
struct Writer<'a> {
    config: &'a Config,
    places: &'a Places,
    bodies: &'a [Body],
    out: Vec<TrainingSessionRecord>,
    count: usize,
    actions: u64,
    /// Added to the running numbers, so that two seeds number apart.
    offset: u64,
}

impl Writer<'_> {
    /// A body of the kinds the family is given by, drawn kind first.
    fn body(&self, family: &Family, rng: &mut StdRng) -> Option<Body> {
        let present = (family.bodies.iter().copied())
            .filter(|(kind, _)| self.bodies.iter().any(|b| b.kind == *kind));
        let kind = Weighted::new(present).draw(rng)?;
        let of_kind: Vec<&Body> = self.bodies.iter().filter(|b| b.kind == kind).collect();
        let i = rng.random_range(0..of_kind.len().max(1));
        of_kind.get(i).map(|b| (*b).clone())
    }

    /// A formation of `family`: one to three actions of one to four sessions each. The
    /// sessions of an action are its record with their numbers, dates and recruitment.
    fn formation(&mut self, family: &Family, number: u64, rng: &mut StdRng) {
        let Some(body) = self.body(family, rng) else {
            return;
        };
        let poec = family.poec && rng.random_bool(POEC);
        let (trade, title) = (family.trade.to_lowercase(), pick(rng, &family.titles));
        let (title, objective) = match poec {
            true => (
                format!(
                    "POEC {} — préparation opérationnelle à l'emploi collective",
                    family.trade
                ),
                format!(
                    "Acquérir les gestes du métier de {trade} attendus par les entreprises & les \
                     agences d'emploi qui recrutent, stage en entreprise compris."
                ),
            ),
            false => (title.to_string(), family.objective.to_string()),
        };
        let region = self.config.region.get(..2).unwrap_or("00").to_string();
        let formation_ref = format!("{region}_AF_{:010}", self.offset + number + 1);
        let slug = &body.slug;
        let url = format!("https://www.{slug}.simulation.invalid/formations/{formation_ref}");
        let url = rng.random_bool(0.4).then_some(url);
        let certifying = family.certifying && !poec;
        for _ in 0..draw(rng, &[(1u32, 0.6), (2, 0.3), (3, 0.1)]).unwrap_or(1) {
            self.actions += 1;
            let (centre, enterprise) = match (poec, family.romes.first()) {
                (true, _) => (hours(rng, POEC_CENTRE), hours(rng, POEC_ENTERPRISE)),
                (false, Some(&"N4103")) => (
                    draw(rng, &BUS_HOURS).unwrap_or(399),
                    hours(rng, family.enterprise),
                ),
                _ => (hours(rng, family.centre), hours(rng, family.enterprise)),
            };
            let teaching = match family.practical {
                true => TeachingMode::InPerson,
                false => draw(rng, &TEACHING).unwrap_or(TeachingMode::InPerson),
            };
            let funders: &[&str] = match (poec, family.romes.first()) {
                (true, _) => &["16", "4"],
                (false, Some(&"J1501")) if rng.random_bool(0.3) => &["2", "10"],
                (false, Some(&"J1501")) => &["2"],
                _ => draw(rng, &FUNDERS).unwrap_or(&["2"]),
            };
            let mut publics = vec![JOB_SEEKERS.to_string()];
            for (code, share) in OTHER_PUBLICS {
                if publics.len() < 3 && rng.random_bool(share) {
                    publics.push(code.to_string());
                }
            }
            let action = TrainingSessionRecord {
                formation_ref: formation_ref.clone(),
                action_ref: format!("{region}_AC_{:010}", self.offset + self.actions),
                session_ref: String::new(),
                title: title.clone(),
                objective: Some(objective.clone()),
                body: TrainingBody {
                    name: body.name.clone(),
                    siret: Some(body.siret.clone()),
                },
                romes: (family.romes.iter())
                    .filter_map(|r| RomeCode::parse(r).ok())
                    .collect(),
                formacodes: family.formacodes.iter().map(|c| c.to_string()).collect(),
                nsf_codes: vec![family.nsf.to_string()],
                rncp_codes: family
                    .rncp
                    .filter(|_| certifying)
                    .map(str::to_string)
                    .into_iter()
                    .collect(),
                certifinfo_codes: Vec::new(),
                certifying,
                entry_level: Some(family.entry_level),
                publics,
                funders: funders.iter().map(|c| c.to_string()).collect(),
                teaching: Some(teaching),
                place: self.place(&body, rng),
                starts: LheoDate::of_day(self.config.as_of),
                ends: LheoDate::of_day(self.config.as_of),
                hours_total: Some(centre + enterprise),
                hours_centre: Some(centre),
                hours_enterprise: Some(enterprise),
                recruitment: None,
                url: url.clone(),
            };
            let cohorts = draw(rng, &[(1u32, 0.4), (2, 0.3), (3, 0.2), (4, 0.1)]).unwrap_or(1);
            self.sessions(&action, family.practical, cohorts, rng);
        }
    }

    /// Where an action is: the body's site mostly, else another commune of its department.
    fn place(&self, body: &Body, rng: &mut StdRng) -> TrainingPlace {
        let (code, point, postcode) = (self.places.departments.get(body.department))
            .filter(|_| rng.random_bool(0.2))
            .and_then(|d| d.draw(rng))
            .map_or_else(|| body.site.clone(), site);
        let street = pick_of(rng, STREETS);
        let mut lines = vec![format!("{} {street}", rng.random_range(1..=120))];
        if rng.random_bool(0.3) {
            lines.push(pick_of(rng, "Bâtiment B;Plateau technique;Entrée par le parking").into());
        }
        let city = refdata::geo().commune(code.as_str()).map(|c| c.name);
        TrainingPlace {
            lines,
            postcode: postcode.as_deref().and_then(|p| Postcode::parse(p).ok()),
            city: city.unwrap_or_default().to_string(),
            commune: Some(code),
            coordinates: Some(point),
        }
    }

    /// The cohorts of an action, one after the other while they start in the window: each
    /// lasts its hours at [`HOURS_PER_WEEK`] (and a week of holidays a quarter for the long
    /// ones), the next starts one to eight weeks after.
    fn sessions(
        &mut self,
        action: &TrainingSessionRecord,
        fixed: bool,
        count: u32,
        rng: &mut StdRng,
    ) {
        let as_of = self.config.as_of;
        let last_day = as_of + Duration::days(DAYS_AFTER);
        let mut weeks = i64::from(
            action
                .hours_total
                .unwrap_or(35)
                .div_ceil(HOURS_PER_WEEK)
                .max(1),
        );
        if weeks > 16 {
            weeks += weeks / 12;
        }
        let window = rng.random_range(0..=DAYS_BEFORE + DAYS_AFTER);
        let mut start = monday(as_of - Duration::days(DAYS_BEFORE) + Duration::days(window));
        for _ in 0..count {
            if start > last_day || self.out.len() >= self.count {
                return;
            }
            let end = start + Duration::days(weeks * 7 - 3);
            let month_only = rng.random_bool(MONTH_ONLY);
            let open = !month_only && !fixed && rng.random_bool(PERMANENT_ENTRY);
            let month = |day: NaiveDate| {
                LheoDate::parse(&format!("{:04}{:02}00", day.year(), day.month()))
                    .unwrap_or_else(|_| LheoDate::of_day(day))
            };
            let (starts, ends) = match (month_only, open) {
                (true, _) => (month(start), month(end)),
                (false, true) => (
                    LheoDate::of_day(start),
                    LheoDate::parse(LheoDate::OPEN).unwrap_or_else(|_| LheoDate::of_day(end)),
                ),
                _ => (LheoDate::of_day(start), LheoDate::of_day(end)),
            };
            let recruitment = match start > as_of {
                true => draw(rng, &[(1u8, 0.92), (2, 0.05), (3, 0.03)]),
                false => draw(rng, &[(1u8, 0.70), (2, 0.28), (3, 0.02)]),
            };
            let number = self.offset + self.out.len() as u64 + 1;
            let region = self.config.region.get(..2).unwrap_or("00");
            self.out.push(TrainingSessionRecord {
                session_ref: format!("{region}_SE_{number:010}"),
                starts,
                ends,
                recruitment,
                ..action.clone()
            });
            start = monday(end + Duration::weeks(rng.random_range(1..=8)));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use model::trainings::DatePrecision;

    use super::*;

    fn config(region: &str, scale: f64, seed: u64) -> Config {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        Config::new(region, scale, seed, as_of).unwrap()
    }

    fn share(all: &[TrainingSessionRecord], test: impl Fn(&TrainingSessionRecord) -> bool) -> f64 {
        all.iter().filter(|s| test(s)).count() as f64 / all.len().max(1) as f64
    }

    fn digits(code: &str, n: usize) -> bool {
        code.len() == n && code.bytes().all(|b| b.is_ascii_digit())
    }

    #[test]
    fn every_family_line_reads_and_uses_the_referentials() {
        let all = families();
        assert_eq!(
            all.len(),
            FAMILIES.len(),
            "a line of FAMILIES does not read"
        );
        for f in &all {
            assert!((1..=2).contains(&f.romes.len()), "{}", f.trade);
            for code in &f.romes {
                let o = refdata::rome().occupation(code).expect(code);
                assert!(o.has_v3_detail(), "{code} has no ROME v3 key");
            }
            assert!(!f.titles.is_empty() && f.titles.iter().all(|t| !t.is_empty()));
            assert!(f.formacodes.iter().all(|c| digits(c, 5)) && digits(f.nsf, 3));
            let rncp = f
                .rncp
                .map(|r| r.strip_prefix("RNCP").is_some_and(|n| digits(n, 5)));
            assert!(
                rncp.is_none_or(|valid| valid && f.certifying),
                "{}",
                f.trade
            );
            assert!(f.centre.0 <= f.centre.1 && f.enterprise.0 <= f.enterprise.1);
            assert!(f.entry_level <= 8 && f.weight > 0.0);
            let bodies: f64 = f.bodies.iter().map(|b| b.1).sum();
            assert!((bodies - 1.0).abs() < 1e-9, "{}: {bodies}", f.trade);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_catalogue() {
        let a = catalogue(&config("11", 0.01, 42));
        assert!(!a.is_empty());
        assert_eq!(a, catalogue(&config("11", 0.01, 42)));
        assert_ne!(a, catalogue(&config("11", 0.01, 43)));
    }

    #[test]
    fn the_catalogue_has_its_size_and_unique_keys() {
        assert_eq!(session_count(&config("11", 1.0, 1)), 44_959);
        let sessions = catalogue(&config("11", 0.02, 7));
        assert_eq!(sessions.len(), 899);
        let mut keys = HashSet::new();
        let mut cohorts: HashMap<&str, usize> = HashMap::new();
        let mut actions: HashMap<&str, HashSet<&str>> = HashMap::new();
        for s in &sessions {
            assert!(keys.insert(&s.session_ref), "{} twice", s.session_ref);
            assert!(s.formation_ref.starts_with("11_AF_") && s.formation_ref.len() == 16);
            assert!(s.action_ref.starts_with("11_AC_") && s.session_ref.starts_with("11_SE_"));
            *cohorts.entry(&s.action_ref).or_default() += 1;
            (actions.entry(&s.formation_ref).or_default()).insert(&s.action_ref);
        }
        // Each action belongs to one formation; some have several cohorts, some formations
        // several actions.
        assert_eq!(
            actions.values().map(HashSet::len).sum::<usize>(),
            cohorts.len()
        );
        assert!(cohorts.values().any(|n| *n >= 3));
        assert!(actions.values().any(|a| a.len() >= 2));
    }

    #[test]
    fn sessions_are_valid_records_in_their_family_bounds() {
        let (all, sessions) = (families(), catalogue(&config("11", 0.02, 11)));
        let (geo, rome) = (refdata::geo(), refdata::rome());
        let publics = ["80006", "80009", "80005", "81020", "82044"];
        let funders = ["2", "4", "5", "7", "10", "16"];
        for s in &sessions {
            let siret = s.body.siret.as_ref().unwrap();
            assert!(Siret::parse(siret.as_str()).is_ok(), "{siret}");
            assert!((1..=2).contains(&s.romes.len()));
            assert!(
                s.romes
                    .iter()
                    .all(|r| rome.occupation(r.as_str()).is_some())
            );
            let commune = geo
                .commune(s.place.commune.as_ref().unwrap().as_str())
                .unwrap();
            assert!(commune.region == "11" && commune.name == s.place.city);
            assert!(s.place.postcode.is_some() && s.place.coordinates.is_some());
            assert!((1..=4).contains(&s.place.lines.len()));
            assert!(s.publics.iter().all(|p| publics.contains(&p.as_str())));
            assert!(!s.funders.is_empty());
            assert!(s.funders.iter().all(|f| funders.contains(&f.as_str())));
            assert!(matches!(s.recruitment, Some(1..=3)));
            assert!(s.entry_level.is_some_and(|l| l <= 8));
            assert!(s.rncp_codes.is_empty() || s.certifying);
            let (centre, enterprise) = (s.hours_centre.unwrap(), s.hours_enterprise.unwrap());
            assert_eq!(s.hours_total, Some(centre + enterprise));
            if s.title.starts_with("POEC") {
                assert!(!s.certifying && (150..=400).contains(&(centre + enterprise)));
                continue;
            }
            let f = all
                .iter()
                .find(|f| f.titles.contains(&s.title.as_str()))
                .unwrap();
            assert!((f.centre.0..=f.centre.1).contains(&centre), "{}", s.title);
            assert!(
                (f.enterprise.0..=f.enterprise.1).contains(&enterprise),
                "{}",
                s.title
            );
            assert!(!s.title.contains("CACES") || (35..=70).contains(&centre));
            assert!(f.romes.first() != Some(&"J1501") || s.hours_total == Some(1_540));
        }
        // Text that exercises escaping, a few links, mostly open, mostly in person.
        let said = |c: char| {
            sessions
                .iter()
                .any(|s| s.objective.iter().any(|o| o.contains(c)))
        };
        assert!(['<', '&', '«', 'é'].into_iter().all(said));
        assert!((0.3..0.5).contains(&share(&sessions, |s| s.url.is_some())));
        assert!(share(&sessions, |s| s.recruitment == Some(1)) > 0.6);
        let in_person = share(&sessions, |s| s.teaching == Some(TeachingMode::InPerson));
        assert!((0.8..1.0).contains(&in_person), "{in_person}");
    }

    #[test]
    fn dates_are_in_the_window_and_in_order() {
        let config = config("11", 0.02, 5);
        let sessions = catalogue(&config);
        let first = config.as_of - Duration::days(DAYS_BEFORE + 31);
        let last = config.as_of + Duration::days(DAYS_AFTER + 7);
        for s in &sessions {
            let start = s.starts.first_day().unwrap();
            assert!(start >= first && start <= last, "{}", s.starts);
            let end = s.ends.last_day();
            assert!(end.is_none_or(|end| end >= start), "{}", s.session_ref);
            assert!(end.is_some() || s.ends.precision() == DatePrecision::Open);
            // Long enough for the hours at 35 hours a week.
            let weeks = i64::from(s.hours_total.unwrap().div_ceil(HOURS_PER_WEEK));
            let days = s.span().map(|(from, to)| (to - from).num_days() + 31);
            assert!(days.is_none_or(|d| d >= weeks * 7 - 3), "{}", s.session_ref);
        }
        let month_only = share(&sessions, |s| s.starts.precision() == DatePrecision::Month);
        assert!((0.05..0.15).contains(&month_only), "{month_only}");
        assert!(share(&sessions, |s| s.ends.precision() == DatePrecision::Open) < 0.05);
        let day = share(&sessions, |s| s.starts.precision() == DatePrecision::Day);
        assert!((day + month_only - 1.0).abs() < 1e-9);
        // Starts spread over the year before and the six months after.
        let before = share(&sessions, |s| s.starts.first_day().unwrap() < config.as_of);
        assert!((0.55..0.8).contains(&before), "{before}");
    }

    #[test]
    fn most_sessions_are_in_occupations_in_tension() {
        for (region, scale) in [("11", 0.02), ("84", 0.005)] {
            let sessions = catalogue(&config(region, scale, 3));
            assert!(!sessions.is_empty());
            let tense = share(&sessions, |s| {
                let rome = s.romes.first().unwrap().as_str();
                let territory = refdata::tension::Territory::Region(region);
                let official = refdata::tensions().official(rome, territory);
                official.is_ok_and(|t| t.class >= 4)
            });
            assert!((0.75..0.85).contains(&tense), "{region}: {tense}");
        }
    }
}
