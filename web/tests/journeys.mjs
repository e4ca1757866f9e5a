// Browser journeys of Passerelle's pages, in Debian's Chromium driven by playwright-core, against
// a running demo server (its address and accounts file given by the environment; its outbox
// folder, where a job seeker's sign-in link is read, defaults to `outbox` beside the accounts):
//
//   PASSERELLE_URL=http://127.0.0.1:8080 PASSERELLE_ACCOUNTS=.../demo-accounts.json \
//   [PASSERELLE_OUTBOX=.../outbox] PASSERELLE_SCREENSHOTS=target/screenshots \
//   node web/tests/journeys.mjs
//
// Every page visited is photographed into PASSERELLE_SCREENSHOTS and checked by axe-core (no
// serious or critical violation), and must raise no console error (a content security policy
// violation is one). An advisor's pages must not transfer more than FIRST_VISIT_LIMIT bytes on
// a first visit (empty cache) nor NEXT_PAGE_LIMIT on the next page (cache warm). The Rust test
// `browser_journeys` (crates/passerelle/tests/it/browser.rs) starts the server and runs this
// script.

import fs from "node:fs";
import path from "node:path";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import axe from "axe-core";

const base = process.env.PASSERELLE_URL ?? "http://127.0.0.1:8080";
const accounts = JSON.parse(fs.readFileSync(required("PASSERELLE_ACCOUNTS"), "utf8"));
const shots = required("PASSERELLE_SCREENSHOTS");
const chromiumPath = process.env.PASSERELLE_CHROMIUM ?? "/usr/bin/chromium";
// Where the demo writes its messages (`<data dir>/outbox`, beside its accounts file).
const outbox = process.env.PASSERELLE_OUTBOX ?? path.join(path.dirname(process.env.PASSERELLE_ACCOUNTS), "outbox");
fs.mkdirSync(shots, { recursive: true });

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
}

function account(role) {
  const found = accounts.find((a) => a.role === role);
  assert.ok(found, `no ${role} in the demo accounts`);
  return found;
}

let shot = 0;
const checked = [];

/** Photographs the page, checks its accessibility and that nothing went wrong in it. */
async function check(page, name) {
  await page.waitForLoadState("load");
  shot += 1;
  const file = path.join(shots, `${String(shot).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const title = await page.title();
  assert.match(title, /— Passerelle$/, `${name}: the page has a title`);
  assert.equal(await page.getAttribute("html", "lang"), "fr", `${name}: the page is in French`);
  assert.equal(await page.locator("main#contenu").count(), 1, `${name}: one main landmark`);
  assert.equal(await page.locator("h1").count(), 1, `${name}: one h1`);
  await page.evaluate(axe.source);
  const results = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ["violations"] }),
  );
  // Serious and critical violations, and two landmarks of one name (axe rates it moderate, but
  // a screen reader's list of regions then offers the same name twice: which table is which?).
  const grave = results.violations.filter(
    (v) => v.impact === "serious" || v.impact === "critical" || v.id === "landmark-unique",
  );
  const summary = grave
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)
    .join("\n  ");
  assert.equal(grave.length, 0, `${name}: accessibility violations:\n  ${summary}`);
  checked.push({ page: name, url: page.url().replace(base, ""), title, minor: results.violations.length });
  const minor = results.violations.map((v) => `${v.impact} ${v.id}`).join(", ");
  console.log(`ok ${shot} ${name} (${page.url().replace(base, "")})${minor ? ` — minor: ${minor}` : ""}`);
}

async function newPage(browser) {
  const context = await browser.newContext({ locale: "fr-FR", viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (message) => {
    // A form refused with 422 is expected (its errors are shown on the page); anything else
    // (a CSP violation, a script error, a missing file) is not.
    const text = message.text();
    if (message.type() !== "error" || /status of 422/.test(text)) return;
    // A CSP report raised by code the test injects (axe-core, evaluated through the DevTools
    // protocol, has no page URL) is the tool's, not the page's; one raised by the page's markup
    // or scripts has the page's or the script's URL and fails the journey.
    const where = message.location()?.url ?? "";
    if (/Content Security Policy/.test(text) && !where.startsWith(base)) {
      console.log(`  (ignored, raised by injected test code: ${text.slice(0, 80)}...)`);
      return;
    }
    errors.push(`${text} (at ${where || "unknown"})`);
  });
  page.on("pageerror", (error) => errors.push(error.message));
  page.errors = errors;
  return page;
}

function noErrors(page, journey) {
  assert.deepEqual(page.errors, [], `${journey}: console errors (CSP violations, scripts)`);
}

async function signIn(page, role) {
  const { email, password } = account(role);
  await page.goto(`${base}/connexion`);
  await page.getByLabel("Adresse électronique").fill(email);
  await page.getByLabel("Mot de passe").fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForLoadState("load");
}

async function signOut(page) {
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await page.waitForURL(/\/connexion/);
}

/**
 * A journey of `role` in a context of its own: signed in, `steps` (what they return is the
 * journey's), signed out, and no console error on the way (`journey` names it if there is one).
 */
async function asRole(browser, role, journey, steps) {
  const page = await newPage(browser);
  await signIn(page, role);
  const result = await steps(page);
  await signOut(page);
  noErrors(page, journey);
  await page.context().close();
  return result;
}

/** Follows the first link named `name`, waits for the page `url` matches and checks it as `shot`. */
async function follow(page, name, url, shot) {
  await page.getByRole("link", { name }).first().click();
  await page.waitForURL(url);
  await check(page, shot);
}

/** Types into a field with suggestions and picks the first one offered. */
async function pickSuggestion(page, label, typed) {
  const input = page.getByLabel(label);
  await input.fill(typed);
  const list = await input.getAttribute("list");
  await page.waitForFunction(
    (id) => document.getElementById(id)?.options.length > 0,
    list,
    { timeout: 10_000 },
  );
  const first = await page.locator(`#${list} option`).first().getAttribute("value");
  await input.fill(first);
  return first;
}

async function recruiterProposes(browser) {
  const page = await newPage(browser);

  // A wrong password is refused next to the form.
  await page.goto(`${base}/connexion`);
  await check(page, "connexion");
  await page.getByLabel("Adresse électronique").fill(account("recruiter").email);
  await page.getByLabel("Mot de passe").fill("pas le bon mot de passe");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByText("Adresse électronique ou mot de passe incorrect.").waitFor();
  await check(page, "connexion-erreur");

  await signIn(page, "recruiter");
  await page.waitForURL(/\/tableau-de-bord/);
  await page.getByRole("heading", { name: "Tableau de bord", level: 1 }).waitFor();
  await page.getByRole("heading", { name: "Mes offres ouvertes" }).waitFor();
  // The demo trains the difficulty model: each open offer has its predicted risk.
  await page.getByRole("columnheader", { name: "Non pourvue à 90 j (prévision)" }).waitFor();
  await check(page, "recruteur-tableau-de-bord");

  // The dashboard's long list is paginated.
  if (await page.getByRole("link", { name: "Page suivante" }).count()) {
    await page.getByRole("link", { name: "Page suivante" }).click();
    await page.waitForURL(/page=2/);
    await check(page, "recruteur-tableau-de-bord-page-2");
  }

  // Creating an offer: errors next to the fields, then the offer.
  await page.getByRole("link", { name: "Créer une offre" }).first().click();
  await page.waitForURL(/\/offres\/nouvelle/);
  await page.getByLabel("Nombre de postes").fill("");
  await page.getByRole("button", { name: "Publier l'offre" }).click();
  await page.getByText("L'offre n'est pas enregistrée").waitFor();
  assert.ok((await page.locator(".fr-input-group--error").count()) >= 3, "errors shown on the fields");
  await check(page, "offre-erreurs");
  await page.getByLabel("Intitulé du poste").fill("Préparateur de commandes (H/F)");
  await pickSuggestion(page, "Métier (ROME)", "preparateur commandes");
  await pickSuggestion(page, "Commune du lieu de travail", "93200");
  await page.getByLabel("Nombre de postes").fill("2");
  await page.getByLabel("Poste accessible aux travailleurs handicapés").check({ force: true });
  await page.getByRole("button", { name: "Publier l'offre" }).click();
  await page.waitForURL(/\/offres\/\d+\?fait=offre/);
  await page.getByRole("heading", { name: "Préparateur de commandes (H/F)", level: 1 }).waitFor();
  await page.getByText("L'offre est enregistrée").waitFor();
  await check(page, "offre-creee");

  // Importing a file: what is good is written, what is not is reported.
  const dir = fs.mkdtempSync(path.join(shots, "..", "import-"));
  const file = path.join(dir, "offres.json");
  fs.writeFileSync(
    file,
    JSON.stringify({
      resultats: [
        {
          id: "E2E-001", intitule: "Cariste CACES 3 (H/F)", romeCode: "N1101",
          lieuTravail: { commune: "93066" }, typeContrat: "MIS", dateCreation: "2026-11-02T08:00:00Z",
        },
        {
          id: "E2E-002", intitule: "Manutentionnaire (H/F)", romeCode: "N9999",
          lieuTravail: { commune: "93066" }, typeContrat: "MIS", dateCreation: "2026-11-02T08:00:00Z",
        },
      ],
    }),
  );
  await follow(page, "Importer des offres", /\/offres\/import/, "import");
  await page.getByLabel("Fichier d'offres").setInputFiles(file);
  await page.getByRole("button", { name: "Importer" }).click();
  await page.getByText("1 offre(s) créée(s)").waitFor();
  await page.getByRole("cell", { name: /Code ROME du métier/ }).waitFor();
  await check(page, "import-rapport");
  fs.rmSync(dir, { recursive: true, force: true });

  // The shortlist of the first open offer: pseudonyms, reasons as bars; propose the first.
  await page.goto(`${base}/tableau-de-bord`);
  await page.locator("table tbody tr").first().getByRole("link").click();
  await page.getByRole("heading", { name: "Présélection" }).waitFor();
  // The predicted difficulty: chances by horizon, each factor as a bar, what can be done.
  await page.getByRole("heading", { name: "Difficulté prévue" }).waitFor();
  assert.ok((await page.locator(".pa-factors li").count()) >= 5, "the factors are drawn");
  await page.getByRole("heading", { name: "Ce que vous pouvez faire" }).waitFor();
  const candidates = page.locator(".pa-candidate");
  assert.ok((await candidates.count()) >= 1, "the shortlist has candidates");
  // No score and no rank of merit: what brings each person near the offer, in words.
  assert.equal(await candidates.first().locator(".pa-bars li").count(), 0, "no score bars on a shortlist");
  await candidates.first().getByText(/du lieu de travail/).waitFor();
  const pseudonym = (await candidates.first().locator("h3").innerText()).replace(/^\d+\.\s*/, "");
  // The list guarantees the agreement's priority publics a share, and says where the rule is.
  await page.getByText("Publics prioritaires de l'accord").waitFor();
  await check(page, "preselection");
  const offerUrl = page.url();
  await page.getByRole("link", { name: "Voir la politique en vigueur" }).click();
  await page.getByRole("heading", { name: "Publics prioritaires dans les présélections", level: 1 }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Enregistrer la politique" }).count(), 0,
    "a recruiter cannot set the policy");
  await check(page, "politique-vue-recruteur");
  await page.goto(offerUrl);
  await candidates.first().getByRole("button", { name: /Proposer une mise en relation/ }).click();
  await page.getByText("La mise en relation est proposée").waitFor();
  await check(page, "mise-en-relation-proposee");

  await page.getByRole("link", { name: "Mises en relation" }).first().click();
  await page.getByRole("cell", { name: pseudonym }).first().waitFor();
  await check(page, "recruteur-mises-en-relation");
  await page.getByRole("link", { name: pseudonym }).first().click();
  await page.getByText("L'identité et les coordonnées de la personne vous seront communiquées").waitFor();
  await check(page, "recruteur-mise-en-relation-pseudonyme");
  await signOut(page);
  noErrors(page, "recruiter, first part");
  await page.context().close();
  return { pseudonym, offerUrl };
}

async function advisorAnswers(browser, pseudonym) {
  return asRole(browser, "advisor", "advisor", async (page) => {
    await page.waitForURL(/\/demandeurs/);
    await page.getByRole("heading", { name: "Mes demandeurs d'emploi", level: 1 }).waitFor();
    assert.ok((await page.locator("table tbody tr").count()) >= 1, "the advisor's job seekers are listed");
    await check(page, "conseiller-demandeurs");

    if (await page.getByRole("link", { name: "Page suivante" }).count()) {
      await page.getByRole("link", { name: "Page suivante" }).click();
      await page.waitForURL(/page=2/);
      await check(page, "conseiller-demandeurs-page-2");
    }

    // Filters: a priority public, then a search that finds nobody (the empty state says what next).
    await page.getByLabel("Public prioritaire").selectOption("rqth");
    await page.getByRole("button", { name: "Rechercher" }).click();
    await page.waitForURL(/statut=rqth/);
    await check(page, "conseiller-demandeurs-rqth");
    await page.goto(`${base}/demandeurs?q=zzzzaucunnom`);
    await page.getByText("Aucune personne ne correspond").waitFor();
    await check(page, "conseiller-demandeurs-vide");

    // The referral the recruiter proposed, then the person's page, where it is answered.
    await page.getByRole("link", { name: "Mises en relation" }).first().click();
    await page.getByRole("link", { name: pseudonym }).first().click();
    await page.getByRole("heading", { name: "Mise en relation", level: 1 }).waitFor();
    await check(page, "conseiller-mise-en-relation");
    await page.getByRole("link", { name: "Voir la fiche de la personne" }).click();
    await page.getByRole("heading", { name: "Offres suggérées" }).waitFor();
    await page.getByRole("heading", { name: "Consentement et publics prioritaires" }).waitFor();
    await check(page, "conseiller-fiche");
    const personUrl = page.url().split("?")[0];
    // Consent recorded where the person is met: still to every agency, told by phone.
    await page.getByRole("heading", { name: "Recueillir le consentement" }).waitFor();
    await page.getByLabel("À toutes les agences d'emploi").check({ force: true });
    await page.getByLabel("Recueilli").selectOption("phone");
    await page.getByRole("button", { name: "Enregistrer", exact: true }).click();
    await page.getByText("Le consentement et les statuts déclarés sont enregistrés.").waitFor();
    await page.getByRole("table", { name: "Historique du consentement" }).waitFor();
    await check(page, "conseiller-consentement");
    const handle = page.locator(".pa-handle").filter({ hasText: "Proposée" }).first();
    await handle.getByRole("button", { name: "La personne accepte" }).click();
    await page.getByText("L'état de la mise en relation est enregistré.").waitFor();
    await page.locator(".pa-handle").filter({ hasText: "Acceptée par la personne" }).first().waitFor();
    await check(page, "conseiller-acceptation");

    // Suggested offers come with their reasons, and one can be proposed.
    const suggestion = page.locator(".pa-candidate").first();
    if (await suggestion.count()) {
      assert.equal(await suggestion.locator(".pa-bars li").count(), 6, "suggestions show six reasons");
    }
    return personUrl;
  });
}

// What an advisor's pages may transfer (headers and bodies as they come over the network,
// every request of the navigation): on a first visit with an empty cache, and on the next page,
// its static files cached.
const FIRST_VISIT_LIMIT = 400_000;
const NEXT_PAGE_LIMIT = 60_000;

/**
 * Goes to `url` and adds up what the navigation transferred until the network is idle, from the
 * DevTools protocol (`Network.loadingFinished`'s `encodedDataLength`: compressed bodies and
 * headers; 0 for a file taken from the cache).
 */
async function transferred(page, cdp, url) {
  const requests = new Map();
  const onResponse = (event) =>
    event.response.url.startsWith("data:") ||
    requests.set(event.requestId, {
      url: event.response.url.replace(base, ""),
      encoding: event.response.headers["content-encoding"] ?? event.response.headers["Content-Encoding"] ?? "",
      bytes: 0,
    });
  const onFinished = (event) => {
    const request = requests.get(event.requestId);
    if (request) request.bytes = event.encodedDataLength;
  };
  cdp.on("Network.responseReceived", onResponse);
  cdp.on("Network.loadingFinished", onFinished);
  await page.goto(url, { waitUntil: "networkidle" });
  cdp.off("Network.responseReceived", onResponse);
  cdp.off("Network.loadingFinished", onFinished);
  const list = [...requests.values()].sort((a, b) => b.bytes - a.bytes);
  return { total: list.reduce((sum, r) => sum + r.bytes, 0), requests: list };
}

function weigh(what, measured, limit) {
  const detail = measured.requests
    .map((r) => `    ${String(r.bytes).padStart(8)} B ${r.encoding || "-"} ${r.url}`)
    .join("\n");
  console.log(`weight ${what}: ${measured.total} bytes in ${measured.requests.length} requests (limit ${limit})\n${detail}`);
  assert.ok(
    measured.total <= limit,
    `${what} transferred ${measured.total} bytes, more than the limit of ${limit} bytes:\n${detail}`,
  );
}

/**
 * An advisor's pages load fast where people use them: the job seekers list, signed in but with
 * an empty cache, then a person's page with the static files cached.
 */
async function advisorPagesWeighLittle(browser) {
  const page = await newPage(browser);
  const { email, password } = account("advisor");
  // Signed in through the API (the context shares its cookies), so that nothing is cached yet.
  const session = await page.context().request.post(`${base}/api/v1/session`, { data: { email, password } });
  assert.equal(session.status(), 200, "the advisor signs in");
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.clearBrowserCache");
  const first = await transferred(page, cdp, `${base}/demandeurs`);
  await page.getByRole("heading", { name: "Mes demandeurs d'emploi", level: 1 }).waitFor();
  weigh("first visit (/demandeurs, empty cache)", first, FIRST_VISIT_LIMIT);
  const person = await page.locator("table tbody tr a[href^='/demandeurs/']").first().getAttribute("href");
  assert.ok(person, "the list links to a person's page");
  const next = await transferred(page, cdp, `${base}${person}`);
  await page.getByRole("heading", { name: "Offres suggérées" }).waitFor();
  await page.getByRole("heading", { name: "Métiers proches qui recrutent" }).waitFor();
  weigh(`next page (${person}, cache warm)`, next, NEXT_PAGE_LIMIT);
  await check(page, "conseiller-poids");
  noErrors(page, "advisor, page weight");
  await page.context().close();
}

/** The advisor sees what came of the referral on the person's page. */
/**
 * The advisor records a CACES the person obtained, and the person's consent to share it: the
 * agency the person accepted then sees it beside the referral (`recruiterSeesTheCaces`).
 */
async function advisorRecordsAnEvaluation(browser, personUrl) {
  return asRole(browser, "advisor", "advisor, evaluation", async (page) => {
    await page.goto(`${personUrl}/evaluations`);
    await page.getByRole("heading", { name: "Enregistrer une évaluation" }).waitFor();
    await check(page, "conseiller-evaluations");
    // A mistake first: a CACES without its category is refused, the field named in French.
    await page.getByLabel("Type d'évaluation").selectOption("caces");
    await page.getByRole("button", { name: "Enregistrer l'évaluation" }).click();
    await page.getByText("L'évaluation n'est pas enregistrée").first().waitFor();
    await check(page, "conseiller-evaluation-erreur");
    await page.getByLabel("Type d'évaluation").selectOption("caces");
    await page.getByLabel("Catégorie de CACES").selectOption("123698");
    await page.locator("select[name=result]").selectOption("obtained");
    await page.locator("input[name=evaluated_on]").fill("2026-01-12");
    await page.locator("input[name=valid_until]").fill("2031-01-11");
    await page.locator("input[name=issuer]").fill("AFPA Bobigny");
    await page.getByRole("button", { name: "Enregistrer l'évaluation" }).click();
    await page.getByText("L'évaluation est enregistrée").first().waitFor();
    await page.locator("table").getByText("CACES R 389-3").first().waitFor();
    await check(page, "conseiller-evaluation-enregistree");
    // The person agrees to share their CACES: recorded with their consent.
    await page.goto(personUrl);
    await page.getByLabel("CACES", { exact: true }).check({ force: true });
    await page.getByLabel("Recueilli").selectOption("in_person");
    await page.getByRole("button", { name: "Enregistrer", exact: true }).click();
    await page.getByText("Le consentement et les statuts déclarés sont enregistrés.").waitFor();
    assert.ok(await page.getByLabel("CACES", { exact: true }).isChecked(), "the sharing is kept");
  });
}

async function recruiterSeesTheCaces(browser) {
  await asRole(browser, "recruiter", "recruiter, shared evaluation", async (page) => {
    await page.goto(`${base}/mises-en-relation?etat=accepted`);
    await page.locator("table tbody tr").first().getByRole("link").click();
    await page.getByText("Acceptée par la personne").first().waitFor();
    await page.getByRole("link", { name: /^Évaluations/ }).click();
    await page.getByRole("heading", { name: /^Évaluations : / }).waitFor();
    await page.locator("table").getByText("CACES R 389-3").first().waitFor();
    await check(page, "recruteur-evaluations-partagees");
  });
}

async function advisorSeesOutcome(browser, personUrl) {
  return asRole(browser, "advisor", "advisor, outcome", async (page) => {
    await page.goto(personUrl);
    await page.getByText("Embauche à partir du 07/12/2026").waitFor();
    await check(page, "conseiller-issue");
  });
}

async function recruiterFollowsUp(browser, pseudonym) {
  await asRole(browser, "recruiter", "recruiter, follow-up", async (page) => {
    await page.goto(`${base}/mises-en-relation?etat=accepted`);
    await page.locator("table tbody tr").first().getByRole("link").click();
    // Accepted: the person's identity is now shown to the agency (not the pseudonym alone).
    await page.getByText("Acceptée par la personne").first().waitFor();
    await page.getByText("Courriel").or(page.getByText("Téléphone")).first().waitFor();
    assert.equal(await page.getByText("(pseudonyme)").count(), 0, "identity revealed after acceptance");
    await check(page, "recruteur-identite-revelee");
    await page.getByRole("button", { name: "Entretien planifié" }).click();
    await page.getByText("L'état de la mise en relation est enregistré.").waitFor();
    await page.getByLabel("Date de début du contrat").fill("2026-12-07");
    await page.getByRole("button", { name: "Embauche" }).click();
    await page.getByText("Embauche à partir du 07/12/2026").waitFor();
    await check(page, "recruteur-embauche");
  });
  assert.ok(pseudonym.length > 0);
}

/** Signs in with the keyboard alone, checking that the focused field shows its focus. */
async function signInWithKeyboard(page, role) {
  const { email, password } = account(role);
  await page.goto(`${base}/connexion`);
  // Skip link first, then the page's fields in order.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Contenu");
  for (let i = 0; i < 10; i += 1) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement?.id === "email")) break;
  }
  assert.equal(await page.evaluate(() => document.activeElement?.id), "email", "the email field is reached by Tab");
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, "none", "the focused field shows its focus");
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "password");
  await page.keyboard.type(password);
  await page.keyboard.press("Enter");
  await page.waitForLoadState("load");
}

/** The shared directory: from Saint-Denis, FASTT's mobility aid and the nearest France
 * Travail agency offering recruitment by simulation (MRS). */
async function recruiterSearchesTheDirectory(browser) {
  return asRole(browser, "recruiter", "recruiter, directory", async (page) => {
    await follow(page, "Annuaire", /\/annuaire/, "annuaire");
    await pickSuggestion(page, "Depuis la commune", "93200");
    await page.getByLabel("Thématique").selectOption("mobilite");
    await page.getByRole("button", { name: "Rechercher" }).click();
    await page.waitForURL(/thematique=mobilite/);
    const fastt = page.locator(".pa-service").filter({ hasText: "FASTT" }).filter({ hasText: /véhicule/i });
    await fastt.first().waitFor();
    await check(page, "annuaire-mobilite-fastt");

    await page.goto(`${base}/annuaire`);
    await pickSuggestion(page, "Depuis la commune", "93200");
    await page.getByLabel("Réseau").selectOption("france_travail");
    await page.getByLabel("Mots-clés").fill("simulation");
    await page.getByRole("button", { name: "Rechercher" }).click();
    await page.waitForURL(/reseau=france_travail/);
    const first = page.locator(".pa-service").first();
    await first.waitFor();
    assert.match(await first.innerText(), /Recrutement par simulation \(MRS\)/);
    assert.match(await first.innerText(), /Agence France Travail/);
    assert.match(await first.innerText(), /à \d+,\d km/, "the distance is shown");
    const distances = await page.locator(".pa-service .pa-candidate__score").allInnerTexts();
    const km = distances.map((d) => Number(d.replace(/[^\d,]/g, "").replace(",", ".")));
    assert.deepEqual(km, [...km].sort((a, b) => a - b), "nearest first");
    await check(page, "annuaire-mrs-france-travail");
  });
}

/** The advisor registers for the joint meeting their agency is invited to (a seat of the
 * place's forty), gives the seat up, and takes it again. */
async function advisorRegistersForAMeeting(browser) {
  return asRole(browser, "advisor", "advisor, meeting", async (page) => {
    await follow(page, "Réunions", /\/reunions/, "reunions");
    await page.getByText(/0 \/ 40 places sur place/).first().waitFor();
    await page.getByRole("button", { name: /S'inscrire/ }).first().click();
    await page.getByText(/Votre inscription est enregistrée : un message vous la confirme/).waitFor();
    await page.getByText("Vous êtes inscrit(e) sur place").first().waitFor();
    await page.getByText(/1 \/ 40 places sur place/).first().waitFor();
    await check(page, "reunions-inscrit");
    await page.getByRole("button", { name: /Se désinscrire/ }).first().click();
    await page.getByText(/L'inscription est annulée/).waitFor();
    await page.getByRole("button", { name: /S'inscrire/ }).first().click();
    await page.getByText("Vous êtes inscrit(e) sur place").first().waitFor();
  });
}

/** The recruiter builds a job dating on their first open offer (from its panel of actions)
 * with the demo advisor's France Travail agency, publishes it and draws invitations. */
async function recruiterOrganisesAnAction(browser) {
  const lead = account("advisor").structure.replace(/ \(\d{14}\)$/, "");
  return asRole(browser, "recruiter", "recruiter, action", async (page) => {
    await page.goto(`${base}/tableau-de-bord`);
    await page.locator("table tbody tr").first().getByRole("link").click();
    await page.getByRole("link", { name: "Proposer une action co-organisée" }).click();
    await page.waitForURL(/\/actions\/nouvelle\?offre=\d+/);
    assert.ok(await page.locator("input[name^=offre_]:checked").count() === 1, "the offer is ticked");
    await check(page, "action-nouvelle");
    await page.getByLabel("Type d'action").selectOption("job_dating");
    await page.getByLabel("Intitulé").fill("Job dating des préparateurs de commandes");
    const option = page.locator("#porteuse option", { hasText: lead });
    await page.getByLabel("Agence France Travail porteuse").selectOption(await option.first().getAttribute("value"));
    await page.getByRole("button", { name: "Créer l'action en préparation" }).click();
    await page.getByText("L'action n'est pas créée").waitFor();
    await check(page, "action-erreurs");
    const day = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel(/^Date/).fill(day);
    await page.getByLabel("Heure de début").fill("09:30");
    await pickSuggestion(page, "Commune", "92100");
    await page.getByLabel("Ouvert aux travailleurs handicapés").check({ force: true });
    await page.getByRole("button", { name: "Créer l'action en préparation" }).click();
    await page.waitForURL(/\/actions\/\d+\?fait=action_creee/);
    await page.getByText("En préparation").first().waitFor();
    await check(page, "action-creee");
    await page.getByRole("button", { name: "Publier" }).click();
    await page.getByText("L'état de l'action est enregistré.").waitFor();
    await page.getByLabel("Invitations par poste à pourvoir").selectOption("5");
    await page.getByRole("button", { name: "Inviter des candidats" }).click();
    await page.getByText(/Les invitations sont tirées/).waitFor();
    assert.ok((await page.getByRole("cell", { name: "À relayer" }).count()) > 0, "invitations drawn");
    // The draw's campaign against the best possible.
    await page.getByRole("heading", { name: "Dernier tirage" }).waitFor();
    await page.getByText(/le tirage est (le|à moins de [0-9,]+ % du) meilleur possible/).waitFor();
    await check(page, "action-invitations");
  });
}

/** The advisor relays an invitation of one of their people and records that they accept. */
async function advisorAnswersAnInvitation(browser) {
  return asRole(browser, "advisor", "advisor, invitation", async (page) => {
    await follow(page, "Invitations", /\/invitations/, "invitations");
    const accept = page.getByRole("button", { name: /^Acceptée/ });
    assert.ok((await accept.count()) > 0, "the next job dating invited the advisor's people");
    await accept.first().click();
    await page.getByText("La réponse à l'invitation est enregistrée.").waitFor();
    await check(page, "invitation-acceptee");
  });
}

/** After yesterday's job dating, the recruiter marks its participants present, closes the
 * attendance, records a hire, and prints the attendance sheet. */
async function recruiterRecordsTheOutcome(browser) {
  return asRole(browser, "recruiter", "recruiter, outcome", async (page) => {
    await follow(page, "Actions", /\/actions$/, "actions");
    await page.getByRole("link", { name: /^Job dating partenaire — / }).first().click();
    await page.getByRole("heading", { name: "Participants" }).waitFor();
    for (let i = 0; i < 3; i += 1) {
      await page.getByRole("button", { name: /^Présent\(e\)/ }).first().click();
      await page.getByText("La présence est enregistrée.").waitFor();
    }
    await check(page, "action-presence");
    await page.getByRole("button", { name: "Clore la présence" }).click();
    await page.getByText(/La présence de l'action est close/).waitFor();
    await page.locator("summary", { hasText: "Noter un résultat" }).first().click();
    const form = page.locator("form[action$='/resultats']").first();
    await form.getByLabel("Résultat").selectOption("hire");
    await form.getByLabel("Offre").selectOption({ index: 1 });
    await form.getByLabel("Contrat (embauche)").selectOption("CDD");
    await form.getByLabel("Durée en mois (sauf CDI)").fill("6");
    await form.getByRole("button", { name: "Noter" }).click();
    await page.getByText(/Le résultat est noté/).waitFor();
    await page.getByText(/Embauche \(CDD, 6 mois\)/).waitFor();
    await check(page, "action-embauche");
    await page.getByRole("link", { name: "Feuille d'émargement à imprimer" }).click();
    await page.getByRole("heading", { name: "Feuille d'émargement", level: 1 }).waitFor();
    await check(page, "action-emargement");
  });
}

/** The agency registers a temp worker as a mentor (refused first without their consent),
 * says yes for its mentor to the duo the advisor's person agreed to, and logs its first
 * contact, which starts it. */
async function agencyRegistersAMentorAndStartsADuo(browser) {
  return asRole(browser, "recruiter", "recruiter, duos", async (page) => {
    await follow(page, "Tuteurs", /\/tuteurs/, "tuteurs");
    await page.getByLabel("Prénom").fill("Inès");
    await page.getByLabel(/^Nom \(/).fill("Moreau");
    await pickSuggestion(page, "Commune", "78140");
    await pickSuggestion(page, /^Métier exercé/, "cariste");
    await page.getByLabel("Expérience dans ce métier (en mois)").fill("60");
    await page.getByLabel("Heures disponibles par mois").fill("6");
    await page.getByRole("button", { name: "Inscrire le tuteur" }).click();
    await page.getByText("Le tuteur n'est pas inscrit").waitFor();
    await check(page, "tuteur-erreurs");
    await page.getByLabel(/L'intérimaire accepte d'être tuteur/).check({ force: true });
    await page.getByRole("button", { name: "Inscrire le tuteur" }).click();
    await page.getByText(/Le tuteur est inscrit/).waitFor();
    await page.getByRole("cell", { name: /Inès Moreau/ }).waitFor();
    await follow(page, "Duos", /\/duos$/, "duos-agence");
    await page.locator("tr", { hasText: "Accord de la personne" }).getByRole("link").first().click();
    await page.getByRole("button", { name: /^Accepter/ }).click();
    await page.getByText("L'état du duo est enregistré.").waitFor();
    await page.getByLabel("Durée (en minutes)").fill("90");
    await page.getByLabel("Type de contact").selectOption("day_alongside");
    await page.getByRole("button", { name: "Noter le contact" }).click();
    await page.getByText("Le contact est noté.").waitFor();
    await page.getByText("En cours").first().waitFor();
    await check(page, "duo-agence");
  });
}

/** The advisor sees the silent duo's alert, finds the duo just started with its mentor now
 * named, notes a contact only they read, and opens the mentors suggested for a person. */
async function advisorFollowsTheDuos(browser) {
  return asRole(browser, "advisor", "advisor, duos", async (page) => {
    await page.getByRole("link", { name: "Duos" }).first().click();
    await page.waitForURL(/\/duos$/);
    await page.getByText(/sans contact noté depuis trois semaines/).waitFor();
    await check(page, "duos");
    const today = new Date().toLocaleDateString("fr-FR", { timeZone: "UTC" });
    await page.locator("tr", { hasText: today }).getByRole("link").first().click();
    await page.getByRole("heading", { name: "Tuteur" }).waitFor();
    assert.ok((await page.getByText(/Tuteur T-\d{5}/).count()) === 0, "the mentor is named once accepted");
    await page.getByLabel("Durée (en minutes)").fill("30");
    await page.getByRole("textbox", { name: /^Note/ }).fill("Journée en entrepôt : très à l'aise, veut passer le CACES.");
    await page.getByRole("button", { name: "Noter le contact" }).click();
    await page.getByText("Le contact est noté.").waitFor();
    await page.getByRole("cell", { name: /veut passer le CACES/ }).waitFor();
    await check(page, "duo");
    // The silent duo: the coordinator stops it (its mentor is no longer available) and
    // proposes the person another mentor, one living nearby, shown by pseudonym.
    await page.getByRole("link", { name: "Duos" }).first().click();
    await page.locator("tr", { hasText: "Nadia" }).getByRole("link").first().click();
    await page.getByLabel("Raison de l'arrêt").selectOption("mentor_unavailable");
    await page.getByRole("button", { name: "Arrêter le duo avant son terme" }).click();
    await page.getByText("L'état du duo est enregistré.").waitFor();
    await page.getByText("Le tuteur n'est plus disponible").waitFor();
    await page.getByRole("link", { name: "Proposer un autre duo à la personne" }).click();
    await page.getByRole("heading", { name: /^Proposer un duo à / }).waitFor();
    assert.equal(await page.getByRole("cell", { name: /^Tuteur T-\d{5}$/ }).count(), 1, "another mentor is suggested");
    assert.ok((await page.getByText("Haddad").count()) === 0, "by pseudonym only");
    await check(page, "duo-proposer");
    await page.getByRole("button", { name: /^Proposer ce duo/ }).first().click();
    await page.getByText(/Le duo est proposé/).waitFor();
    await check(page, "duo-propose");
  });
}

/** The steering committee counts the region's duos and reads the pilot's evaluation. */
async function steeringReadsTheDuos(browser) {
  return asRole(browser, "steering", "steering, duos", async (page) => {
    await page.goto(`${base}/duos`);
    await page.getByRole("heading", { name: "Évaluation du dispositif" }).waitFor();
    await page.getByRole("cell", { name: "Tuteurs volontaires" }).waitFor();
    await check(page, "duos-pilotage");
  });
}

/** The advisor finds, for a long-term job seeker, a path to an occupation in tension with a
 * session nearby, looks the session up in the catalogue, and proposes a POEI in that session
 * tied to the agency's offer the person said yes to. */
async function advisorFindsAPathAndProposesAPoei(browser) {
  return asRole(browser, "advisor", "advisor, reconversion", async (page) => {
    await page.goto(`${base}/mises-en-relation?etat=accepted`);
    await page.locator("tr", { hasText: "formation avant embauche" }).getByRole("link").first().click();
    const referralUrl = page.url();
    await page.getByRole("link", { name: "Voir la fiche de la personne" }).click();
    await page.getByRole("link", { name: "Voir les parcours de reconversion" }).click();
    await page.getByRole("heading", { level: 1, name: /^Reconversion/ }).waitFor();
    await page.getByText("Comparaison avec la règle simple").waitFor();
    const session = page.getByRole("link", { name: /^Préparation opérationnelle à l'emploi/ }).first();
    await session.waitFor();
    await check(page, "reconversion");
    await session.click();
    await page.getByRole("heading", { name: "Retour à l'emploi" }).waitFor();
    await check(page, "formation");
    await page.getByRole("link", { name: "Formations" }).first().click();
    await page.getByLabel(/^Commune/).fill("Paris");
    await page.getByRole("button", { name: "Rechercher" }).click();
    await page.getByRole("columnheader", { name: "Retour à l'emploi" }).first().waitFor();
    await check(page, "formations");
    await page.goto(referralUrl);
    await page.getByRole("link", { name: "Construire un plan de formation avant l'embauche" }).click();
    await page.getByRole("heading", { level: 1, name: "Former avant d'embaucher" }).waitFor();
    const option = page.locator("#session-choisie option", { hasText: "Préparation opérationnelle à l'emploi" }).first();
    await page.getByLabel(/^Session dans le métier de l'offre/).selectOption(await option.getAttribute("value"));
    await page.getByRole("button", { name: "Voir les dispositifs pour cette session" }).click();
    await page.getByRole("row", { name: /POEI.*S'applique/ }).waitFor();
    await check(page, "former-avant-embauche");
    await page.locator("#dispositif").selectOption("poei");
    await page.getByRole("button", { name: "Proposer le plan de formation" }).click();
    await page.getByRole("heading", { level: 1, name: /^Plan de formation n°/ }).waitFor();
    await check(page, "plan-formation");
  });
}

/** The agency agrees to the plan, follows the training and records the hire it ends in. */
async function recruiterTrainsThenHires(browser) {
  return asRole(browser, "recruiter", "recruiter, training plan", async (page) => {
    await page.getByRole("link", { name: "Plans de formation" }).first().click();
    await page.getByRole("heading", { level: 1, name: "Plans de formation avant l'embauche" }).waitFor();
    await page.locator("tr", { hasText: "formation avant embauche" }).getByRole("link").first().click();
    await page.getByRole("button", { name: "Donner notre accord au plan" }).click();
    await page.getByRole("button", { name: "La formation a commencé" }).click();
    await page.getByRole("button", { name: "La formation est terminée" }).click();
    // The contract starts the day after the training's end (a session of ten weeks from
    // three weeks on, as the demo seeds it).
    const start = new Date(Date.now() + (21 + 70 + 1) * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel("Type de contrat").selectOption("CDI");
    await page.getByLabel("Début du contrat").fill(start);
    await page.getByRole("button", { name: "Enregistrer l'embauche" }).click();
    await page.locator("h1 .fr-badge", { hasText: "Embauche" }).waitFor();
    await check(page, "plan-embauche");
  });
}

/** The steering committee counts the region's plans and reads the breaches flagged. */
async function steeringReadsTheTrainingPlans(browser) {
  return asRole(browser, "steering", "steering, training plans", async (page) => {
    await page.goto(`${base}/plans-formation`);
    await page.getByRole("heading", { name: "Manquements signalés" }).waitFor();
    await check(page, "plans-formation-pilotage");
  });
}

/**
 * The steering committee opens the quarterly report, changes the department, reads the map,
 * downloads the spreadsheet and looks up a definition.
 */
async function steeringReadsTheQuarterlyReport(browser) {
  return asRole(browser, "steering", "steering, quarterly report", async (page) => {
    await page.waitForURL(/\/pilotage/);
    await page.getByRole("link", { name: "Rapport trimestriel du comité" }).click();
    await page.getByRole("heading", { name: /^Rapport du comité de pilotage — / , level: 1 }).waitFor();
    for (const axis of ["Axe 1", "Axe 2", "Axe 3", "Axe 4"]) {
      await page.getByRole("heading", { name: new RegExp(`^${axis} `), level: 2 }).waitFor();
    }
    assert.ok((await page.locator("svg .pa-map").count()) > 0, "the map is drawn");
    await check(page, "rapport-trimestriel");
    await page.getByLabel("Territoire").selectOption("93");
    await page.getByRole("button", { name: "Afficher" }).click();
    await page.waitForURL(/department=93/);
    await page.getByText(/Chiffres de 93 — Seine-Saint-Denis/).waitFor();
    await check(page, "rapport-trimestriel-93");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Télécharger le tableur (XLSX)" }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^passerelle-pilotage-\d{4}-Q\d-93\.xlsx$/);
    const file = await download.path();
    const bytes = fs.readFileSync(file);
    assert.equal(bytes.subarray(0, 2).toString(), "PK", "the spreadsheet is a workbook");
    await page.getByRole("link", { name: "Glossaire" }).first().click();
    await page.getByRole("heading", { name: "Glossaire des indicateurs", level: 1 }).waitFor();
    await check(page, "glossaire");
    await page.locator("#filled_47_days").getByRole("link", { name: /voir par département/ }).click();
    await page.getByRole("heading", { name: "Offres pourvues en 47 jours", level: 1 }).waitFor();
    await check(page, "indicateur-pourvues-47-jours");
    // The region cut by occupation family, by quarter: one bar and one line per family.
    await page.getByLabel(/^Découpage/).selectOption("occupation_family");
    await page.getByRole("button", { name: "Afficher" }).click();
    await page.waitForURL(/by=occupation_family/);
    await page.getByRole("heading", { name: "La région par famille de métiers", level: 2 }).waitFor();
    await page.getByRole("rowheader", { name: "N — Transport et Logistique" }).waitFor();
    assert.equal(await page.locator("svg .pa-chart__bar").count(), 14, "one bar per family");
    await check(page, "indicateur-par-famille");
  });
}

/** A partner keeps its services up to date: the overdue ones are flagged, and confirmed. */
async function partnerReviewsItsServices(browser) {
  return asRole(browser, "partner", "partner", async (page) => {
    await page.waitForURL(/\/annuaire/);
    await follow(page, "Mes services", /ma-structure/, "partenaire-mes-services");
    const confirm = page.getByRole("button", { name: /Confirmer que la fiche est à jour/ });
    if (await confirm.count()) {
      await confirm.first().click();
      await page.getByText("La fiche est confirmée à jour.").waitFor();
      await check(page, "partenaire-fiche-confirmee");
    }
  });
}

async function steeringAndAdmin(browser) {
  const page = await newPage(browser);
  await signInWithKeyboard(page, "steering");
  await page.waitForURL(/\/pilotage/);
  await page.getByRole("heading", { name: "Par département", exact: true }).waitFor();
  assert.ok((await page.locator("svg .pa-chart__bar").count()) > 0, "charts are drawn");
  await page.getByRole("heading", { name: /La politique de priorité en pratique/ }).waitFor();
  // Occupations × departments, the three signals side by side.
  await page.getByRole("heading", { name: "Métiers en tension : trois signaux par département" }).waitFor();
  assert.ok((await page.locator(".pa-matrix__cell").count()) > 0, "the matrix is filled");
  await check(page, "pilotage");

  // The occupations in tension: the official class beside Passerelle's own measure.
  await page.getByRole("link", { name: "Métiers en tension" }).first().click();
  await page.getByRole("heading", { name: "Métiers en tension", level: 1 }).waitFor();
  await page.getByLabel("Département").selectOption("93");
  await page.getByRole("button", { name: "Afficher" }).click();
  await page.waitForURL(/departement=93/);
  await page.getByText("Seine-Saint-Denis (93)").waitFor();
  // The three signals, side by side and never merged.
  await page.getByRole("heading", { name: "Trois signaux côte à côte" }).waitFor();
  assert.ok((await page.locator(".pa-signals li").count()) > 0, "the signals are drawn");
  await check(page, "metiers-en-tension");

  // The committee sets the policy: impossible shares are refused next to the form, then one
  // for Seine-Saint-Denis is recorded and shown in force.
  await page.getByRole("link", { name: "Publics prioritaires" }).first().click();
  await page.getByRole("heading", { name: "Publics prioritaires dans les présélections", level: 1 }).waitFor();
  await check(page, "politique");
  await page.getByLabel("Territoire").selectOption("93");
  await page.locator("#regle").selectOption("floors");
  await page.getByLabel("Travailleur handicapé (RQTH)").fill("0,6");
  await page.getByLabel("Résident d'un quartier prioritaire (QPV)").fill("0,6");
  await page.getByRole("button", { name: "Enregistrer la politique" }).click();
  await page.getByText("La politique n'est pas enregistrée").waitFor();
  await check(page, "politique-erreurs");
  await page.getByLabel("Travailleur handicapé (RQTH)").fill("0,15");
  await page.getByLabel("Résident d'un quartier prioritaire (QPV)").fill("0,3");
  await page.getByLabel("Motif (décision du comité)").fill("Comité régional : renfort en Seine-Saint-Denis");
  await page.getByRole("button", { name: "Simuler d'abord sur les offres ouvertes" }).click();
  await page.getByRole("heading", { name: /^Simulation/ }).waitFor();
  await page.getByRole("table", { name: /Part de chaque public parmi les personnes retenues/ }).waitFor();
  await check(page, "politique-simulation");
  await page.getByRole("button", { name: "Enregistrer la politique" }).click();
  await page.getByText("La politique est enregistrée").waitFor();
  await page.getByRole("cell", { name: "Fixée par le comité" }).first().waitFor();
  await check(page, "politique-enregistree");
  await signOut(page);

  await signIn(page, "admin");
  await page.waitForURL(/\/admin\/utilisateurs/);
  await check(page, "admin-utilisateurs");
  await page.getByRole("button", { name: "Créer le compte" }).click();
  await page.getByText("Le compte n'est pas créé").waitFor();
  await check(page, "admin-utilisateurs-erreurs");
  await page.getByRole("link", { name: "Structures" }).first().click();
  await page.getByRole("heading", { name: "Structures", level: 1 }).waitFor();
  await check(page, "admin-structures");
  await page.getByRole("link", { name: "Conservation des données" }).first().click();
  await page.getByRole("heading", { name: "Conservation des données", level: 1 }).waitFor();
  await check(page, "admin-conservation");
  await signOut(page);
  noErrors(page, "steering and admin");
  await page.context().close();
}

/** An `.eml` file's recipient and plain text body, its transfer encoding undone. */
function readEml(file) {
  const text = fs.readFileSync(file, "latin1");
  const end = text.search(/\r?\n\r?\n/);
  if (end < 0) return { to: "", body: "" };
  const head = text.slice(0, end).replace(/\r?\n[ \t]+/g, " ");
  const raw = text.slice(end).replace(/^\r?\n\r?\n/, "");
  const header = (name) => new RegExp(`^${name}:[ \\t]*(.*)$`, "im").exec(head)?.[1].trim() ?? "";
  const encoding = header("Content-Transfer-Encoding").toLowerCase();
  let bytes;
  if (encoding === "quoted-printable") {
    const joined = raw.replace(/=\r?\n/g, "");
    bytes = Buffer.from(joined.replace(/=([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16))), "latin1");
  } else if (encoding === "base64") {
    bytes = Buffer.from(raw.replace(/\s+/g, ""), "base64");
  } else {
    bytes = Buffer.from(raw, "latin1");
  }
  return { to: header("To"), encoding: encoding || "7bit", body: bytes.toString("utf8").replace(/\r\n/g, "\n") };
}

/**
 * The advisor picks the first of their people (in the portfolio's order) who has an e-mail
 * address and an offer they may propose, records their consent to every agency if it was
 * narrower, proposes the offer (a new referral, "Proposée") and gives them a code to their
 * own space. What the person's journey needs comes back.
 */
async function advisorProposesForThePersonsSpace(browser) {
  return asRole(browser, "advisor", "advisor, person's space", async (page) => {
    const propose = page.getByRole("button", { name: /^Proposer cette offre/ });
    let personUrl = null;
    await page.goto(`${base}/demandeurs`);
    for (let list = 1; list <= 5 && !personUrl; list += 1) {
      const listUrl = page.url();
      const hrefs = await page
        .locator("table tbody tr a[href^='/demandeurs/']")
        .evaluateAll((links) => links.map((a) => a.getAttribute("href")));
      for (const href of [...new Set(hrefs)].filter((h) => /^\/demandeurs\/\d+$/.test(h))) {
        await page.goto(`${base}${href}`);
        await page.getByRole("heading", { name: "Consentement et publics prioritaires" }).waitFor();
        const hasEmail = (await page.locator(".pa-facts dt", { hasText: "Courriel" }).count()) === 1;
        const mayConsent = (await page.locator("#scope-all").count()) === 1;
        if (hasEmail && mayConsent && (await propose.count()) > 0) {
          personUrl = page.url().split("?")[0];
          break;
        }
      }
      if (personUrl) break;
      await page.goto(listUrl);
      if (!(await page.getByRole("link", { name: "Page suivante" }).count())) break;
      await page.getByRole("link", { name: "Page suivante" }).click();
      await page.waitForURL(new RegExp(`page=${list + 1}`));
    }
    assert.ok(personUrl, "one of the advisor's people has an e-mail address and an offer to propose");
    const id = Number(/\/demandeurs\/(\d+)$/.exec(personUrl)[1]);
    const email = (await page.locator(".pa-facts div", { has: page.locator("dt", { hasText: "Courriel" }) }).locator("dd").innerText()).trim();
    const name = (await page.locator("h1").innerText()).trim();
    // Their consent reaches every agency, so that the person's narrowing is a change.
    if (!(await page.locator("#scope-all").isChecked())) {
      await page.getByLabel("À toutes les agences d'emploi").check({ force: true });
      await page.getByLabel("Recueilli").selectOption("phone");
      await page.getByRole("button", { name: "Enregistrer", exact: true }).click();
      await page.getByText("Le consentement et les statuts déclarés sont enregistrés.").waitFor();
    }
    const referralLinks = () =>
      page.locator(".pa-handle a[href^='/mises-en-relation/']").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
    const before = await referralLinks();
    const suggestion = page.locator(".pa-candidate").filter({ has: propose }).first();
    const title = (await suggestion.locator("h3").innerText()).replace(/^\d+\.\s*/, "").trim();
    await suggestion.getByRole("button", { name: /^Proposer cette offre/ }).click();
    await page.getByText("La mise en relation est proposée").waitFor();
    const added = (await referralLinks()).filter((href) => !before.includes(href));
    assert.equal(added.length, 1, "the proposal is one new referral on the person's page");
    const referralId = Number(/(\d+)$/.exec(added[0])[1]);
    const handle = page.locator(".pa-handle", { has: page.locator(`a[href='${added[0]}']`) });
    assert.match(await handle.textContent(), /Proposée/, "the new referral is proposed");
    assert.match(await handle.textContent(), new RegExp(title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    await check(page, "conseiller-proposition-pour-espace");
    // A code the person could type instead of following a link.
    await page.getByRole("button", { name: "Donner un code d'accès à son espace" }).click();
    await page.getByRole("heading", { name: "Code d'accès à l'espace personnel", level: 1 }).waitFor();
    const code = (await page.locator(".pa-code").innerText()).trim();
    assert.match(code, /^[A-HJKMNP-Z2-9]{5}-[A-HJKMNP-Z2-9]{5}$/, "ten characters without look-alikes");
    await check(page, "conseiller-code-acces");
    return { id, email, name, title, referralId, code };
  });
}

/**
 * A person of the demo signs in from the link the outbox wrote to them, accepts the proposal,
 * narrows their consent to their department, reads who accessed their data, downloads it all,
 * and signs out; the link cannot be used twice, and the advisor's code opens the space too.
 */
async function personUsesTheirSpace(browser, person) {
  const page = await newPage(browser);
  await page.goto(`${base}/espace/connexion`);
  await page.getByRole("heading", { name: "Accéder à mon espace", level: 1 }).waitFor();
  await check(page, "espace-connexion");
  await page.getByLabel("Adresse électronique").fill(person.email);
  await page.getByRole("button", { name: "Recevoir un lien" }).click();
  await page.getByText("Vérifiez votre messagerie").waitFor();
  await check(page, "espace-lien-envoye");

  const signInLink = /https?:\/\/\S+?\/espace\/lien\?jeton=[0-9a-f]{64}(?![0-9a-f])/;
  const mail = await messageTo(person.email, signInLink, "a sign-in link");
  const greeting = /^Bonjour (.+),$/m.exec(mail.body)?.[1] ?? "";
  assert.ok(greeting && person.name.startsWith(greeting), `the message greets ${person.name}: ${mail.body}`);
  assert.match(mail.body, /Ouvrez ce lien dans les 30 minutes/, "the message says how long the link lasts");
  const link = new URL(mail.link);
  assert.equal(link.pathname, "/espace/lien");
  assert.match(link.searchParams.get("jeton") ?? "", /^[0-9a-f]{64}$/);
  const linkUrl = link.origin === base ? mail.link : `${base}${link.pathname}${link.search}`;
  console.log(`  outbox: ${mail.file} (${mail.encoding}) to ${mail.to}`);
  if (link.origin !== base) {
    console.log(`  note: the message's link points at ${link.origin}, the demo's --bind, not at ${base}: followed on ${base}`);
  }
  await page.goto(linkUrl);
  const enter = page.getByRole("button", { name: "Entrer dans mon espace" });
  await enter.waitFor();
  await check(page, "espace-lien");
  await enter.click();
  await page.waitForURL(`${base}/espace`);

  // The proposal, answered by the person.
  await page.getByRole("heading", { name: /^Bonjour /, level: 1 }).waitFor();
  const form = page.locator(`form[action="/espace/mises-en-relation/${person.referralId}"]`);
  const card = page.locator(".fr-card", { has: form });
  await card.getByText("Proposée", { exact: true }).waitFor();
  assert.match(await card.textContent(), new RegExp(person.title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  await check(page, "espace-propositions");
  await card.getByRole("button", { name: /^Je suis intéressé\(e\)/ }).click();
  await page.waitForURL(/\/espace\?fait=reponse$/);
  await page.getByText(/^Votre réponse est enregistrée/).waitFor();
  assert.equal(await page.locator(`form[action="/espace/mises-en-relation/${person.referralId}"] input[name="to"][value="accepted"]`).count(), 0,
    "the proposal is no longer to be accepted");
  await page.locator(".fr-card").filter({ hasText: person.title }).filter({ hasText: "Acceptée par la personne" }).first().waitFor();
  await check(page, "espace-reponse");

  // Consent narrowed to the agencies of their department.
  await page.getByRole("link", { name: "Mon consentement", exact: true }).first().click();
  await page.getByRole("heading", { name: "Mon consentement", level: 1 }).waitFor();
  assert.ok(await page.locator("#portee-toutes").isChecked(), "the consent reaches every agency");
  await check(page, "espace-consentement");
  await page.getByLabel("Seulement les agences de mon département").check({ force: true });
  await page.getByRole("button", { name: "Enregistrer mon choix" }).click();
  await page.waitForURL(/\/espace\/consentement\?fait=consentement$/);
  await page.getByText(/^Votre consentement est enregistré/).waitFor();
  assert.ok(await page.locator("#portee-departement").isChecked(), "the department is the consent's scope");
  const newest = await page.locator("table tbody tr").first().textContent();
  assert.match(newest, /agences d'emploi de son département/, "the newest choice is the department");
  assert.match(newest, /En ligne/, "expressed online");
  await check(page, "espace-consentement-enregistre");

  // Who accessed their data: their advisor among others.
  await page.getByRole("link", { name: "Qui a consulté mes données", exact: true }).first().click();
  await page.getByRole("heading", { name: "Qui a consulté mes données", level: 1 }).waitFor();
  await page.getByRole("table", { name: "Les accès à vos données" }).waitFor();
  await page.getByRole("cell", { name: "a consulté votre fiche" }).first().waitFor();
  await page.getByRole("cell", { name: "connexion à votre espace" }).first().waitFor();
  await check(page, "espace-historique");

  // All their data, downloaded.
  await page.getByRole("link", { name: "Mes données", exact: true }).first().click();
  await page.getByRole("heading", { name: "Mes données", level: 1 }).waitFor();
  await page.getByRole("cell", { name: person.email }).waitFor();
  const downloadLink = page.getByRole("link", { name: "Télécharger toutes mes données" });
  // Its words are shown, not cut down to the icon (an icon button in a group of buttons is
  // icon-only in the DSFR unless the group says otherwise).
  const [full, shown] = await downloadLink.evaluate((a) => [a.scrollWidth, a.clientWidth]);
  assert.ok(full <= shown && shown > 100, `the download button shows its label (${full} px in ${shown} px)`);
  await check(page, "espace-donnees");
  const [download] = await Promise.all([page.waitForEvent("download"), downloadLink.click()]);
  assert.equal(download.suggestedFilename(), "mes-donnees-passerelle.json");
  const data = JSON.parse(fs.readFileSync(await download.path(), "utf8"));
  assert.equal(data.job_seeker?.id, person.id, "the file is the person's");
  assert.equal(data.job_seeker.identity?.email, person.email);
  const referral = (data.referrals ?? []).find((r) => r.id === person.referralId);
  assert.ok(referral, "the file holds the proposal");
  assert.equal(referral.state, "accepted", "the proposal is accepted in the file");
  assert.equal(data.consent?.scope, "department_agencies", "the file holds the narrowed consent");
  assert.ok(data.access_history.length > 0, "the file holds who accessed the data");

  // Signed out: the space is closed, and the link does not serve twice.
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await page.waitForURL(`${base}/espace/connexion`);
  await page.goto(`${base}/espace`);
  await page.waitForURL(`${base}/espace/connexion`);
  await page.goto(linkUrl);
  const [refused] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && r.url() === `${base}/espace/lien`),
    page.getByRole("button", { name: "Entrer dans mon espace" }).click(),
  ]);
  assert.equal(refused.status(), 401, "a used link is refused");
  await page.getByText(/Ce lien ou ce code a déjà servi/).waitFor();
  await check(page, "espace-lien-deja-servi");

  // The advisor's code opens the space too, where the answer is kept.
  await page.getByLabel("Code d'accès").fill(person.code);
  await page.getByRole("button", { name: "Entrer avec mon code" }).click();
  await page.waitForURL(`${base}/espace`);
  await page.locator(".fr-card").filter({ hasText: person.title }).filter({ hasText: "Acceptée par la personne" }).first().waitFor();
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await page.waitForURL(`${base}/espace/connexion`);

  // The used link's refusal is a 401 on purpose: the browser's note of it is no error.
  for (let i = page.errors.length - 1; i >= 0; i -= 1) {
    if (/status of 401/.test(page.errors[i]) && page.errors[i].includes("/espace/lien")) page.errors.splice(i, 1);
  }
  noErrors(page, "person's space");
  await page.context().close();
}

/**
 * The agency's manager invites a recruiter from "Mon équipe" (refused once, the missing name
 * shown next to its field); the invited person follows the link the outbox wrote, sets a
 * password and lands signed in on the agency's open offers; the link does not serve twice,
 * and the manager sees the new recruiter in the team with their last sign-in.
 */
async function managerInvitesARecruiter(browser) {
  const email = `recrue.${Date.now()}@demo.passerelle.fr`;
  await asRole(browser, "agency_manager", "manager invites a recruiter", async (page) => {
    await page.getByRole("link", { name: "Mon équipe" }).first().click();
    await page.getByRole("heading", { name: "Mon équipe", level: 1 }).waitFor();
    await page.getByRole("table", { name: /Membres de la structure/ }).waitFor();
    await check(page, "responsable-equipe");
    await page.getByLabel("Adresse électronique").fill(email);
    await page.getByRole("button", { name: "Envoyer l'invitation" }).click();
    await page.getByText("L'invitation n'est pas envoyée").waitFor();
    await page.locator("#display_name-error").waitFor();
    await check(page, "responsable-equipe-erreurs");
    await page.getByLabel("Nom et prénom").fill("Inès Moreau");
    await page.locator("#role").selectOption("recruiter");
    await page.getByRole("button", { name: "Envoyer l'invitation" }).click();
    await page.getByText(/^L'invitation est envoyée par courriel/).waitFor();
    await page.getByRole("cell", { name: email }).waitFor();
    await check(page, "responsable-equipe-invitation");
  });

  const mail = await messageTo(email, /https?:\/\/\S+?\/equipe\/invitation\?jeton=[0-9a-f]{64}(?![0-9a-f])/);
  assert.match(mail.body, /vous invite à rejoindre/, "the message says who invites to what");
  const link = new URL(mail.link);
  const linkUrl = `${base}${link.pathname}${link.search}`;
  const page = await newPage(browser);
  await page.goto(linkUrl);
  await page.getByRole("heading", { name: "Accepter l'invitation", level: 1 }).waitFor();
  await check(page, "invitation-mot-de-passe");
  await page.locator("#password").fill("un mot de passe assez long");
  await page.locator("#confirmation").fill("un mot de passe assez long");
  await page.getByRole("button", { name: "Créer mon compte" }).click();
  // Signed in at once: the recruiter's dashboard, the agency's offers.
  await page.waitForURL(/\/tableau-de-bord/);
  await page.getByRole("heading", { name: "Tableau de bord", level: 1 }).waitFor();
  await page.getByRole("table", { name: /Offres ouvertes de votre agence/ }).waitFor();
  assert.ok((await page.locator("table tbody tr a[href^='/offres/']").count()) > 0, "the agency's offers are listed");
  await check(page, "recrue-tableau-de-bord");
  await signOut(page);
  // The link served once.
  const [used] = await Promise.all([page.waitForResponse((r) => r.url().includes("/equipe/invitation")), page.goto(linkUrl)]);
  assert.equal(used.status(), 410, "a used invitation is gone");
  await page.getByRole("heading", { name: "Invitation déjà acceptée", level: 1 }).waitFor();
  await check(page, "invitation-deja-acceptee");
  for (let i = page.errors.length - 1; i >= 0; i -= 1) {
    if (/status of 410/.test(page.errors[i])) page.errors.splice(i, 1);
  }
  noErrors(page, "invited recruiter");
  await page.context().close();

  await asRole(browser, "agency_manager", "manager sees the new recruiter", async (page) => {
    await page.goto(`${base}/equipe`);
    const row = page.locator("tr", { has: page.getByRole("cell", { name: email }) });
    await row.getByRole("cell", { name: "Actif" }).waitFor();
    assert.doesNotMatch(await row.textContent(), /Jamais/, "the recruiter's sign-in is shown");
  });
}

/**
 * The message the outbox wrote to `email` holding a link that `pattern` finds (`.eml` files,
 * delivered every ten seconds), waited for up to `timeout` ms: its recipient, its decoded body
 * and the link (`what` names it if none comes).
 */
async function messageTo(email, pattern, what = "a link", timeout = 40_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const files = fs.existsSync(outbox) ? fs.readdirSync(outbox).filter((f) => f.endsWith(".eml")) : [];
    for (const file of files) {
      const mail = readEml(path.join(outbox, file));
      if (!mail.to.toLowerCase().includes(email.toLowerCase())) continue;
      const link = pattern.exec(mail.body);
      if (link) return { file, ...mail, link: link[0] };
    }
    assert.ok(Date.now() < deadline, `no message with ${what} to ${email} in ${outbox} after ${timeout / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** A partner writes a service in the form (a wrong hours field first), then finds it in the
 *  directory's search from a commune of its eligibility zone. */
async function partnerWritesAService(browser) {
  return asRole(browser, "partner", "partner writes a service", async (page) => {
    await page.goto(`${base}/annuaire/ma-structure`);
    await page.getByRole("link", { name: "Décrire un nouveau service" }).click();
    await page.getByRole("heading", { name: "Décrire un nouveau service", level: 1 }).waitFor();
    await page.locator("[name=nom]").fill("Atelier simulation d'entretien");
    await page.locator("[name=description]").fill("Un atelier collectif pour s'entraîner aux entretiens d'embauche.");
    await page.locator("[name=type]").selectOption("atelier");
    // DSFR draws the checkbox in its label: the label is what a person clicks.
    await page.locator("label[for=publics-demandeurs-emploi]").click();
    await page.locator("label[for=thematiques-trouver-un-emploi--convaincre-un-recruteur-en-entretien]").click();
    assert.ok(await page.locator("#publics-demandeurs-emploi").isChecked(), "the public is chosen");
    await page.locator("[name=horaires_accueil]").fill("Lundi 9h-12h");
    await pickSuggestion(page, "Zone 1", "Seine-Saint");
    await check(page, "partenaire-nouveau-service");
    await page.getByRole("button", { name: "Publier le service" }).click();
    await page.getByText(/la lecture s'arrête au caractère/).first().waitFor();
    await check(page, "partenaire-nouveau-service-erreurs");
    await page.locator("[name=horaires_accueil]").fill("Mo 09:00-12:00");
    await page.getByRole("button", { name: "Publier le service" }).click();
    await page.waitForURL(/ma-structure\?fait=cree/);
    await page.getByText("Le service est publié").waitFor();
    await page.getByRole("heading", { name: "Atelier simulation d'entretien" }).waitFor();
    await check(page, "partenaire-service-publie");
    // Found from Montreuil (93048), in the zone, by anyone of the partnership.
    await page.goto(`${base}/annuaire?commune=93048&rayon=5&q=simulation+entretien`);
    await page.getByRole("heading", { name: "Atelier simulation d'entretien" }).waitFor();
    await check(page, "annuaire-service-du-formulaire");
  });
}

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
try {
  await advisorPagesWeighLittle(browser);
  const { pseudonym } = await recruiterProposes(browser);
  const personUrl = await advisorAnswers(browser, pseudonym);
  await advisorRecordsAnEvaluation(browser, personUrl);
  await recruiterSeesTheCaces(browser);
  await recruiterFollowsUp(browser, pseudonym);
  await advisorSeesOutcome(browser, personUrl);
  await recruiterSearchesTheDirectory(browser);
  await advisorRegistersForAMeeting(browser);
  await recruiterOrganisesAnAction(browser);
  await advisorAnswersAnInvitation(browser);
  await recruiterRecordsTheOutcome(browser);
  await agencyRegistersAMentorAndStartsADuo(browser);
  await advisorFollowsTheDuos(browser);
  await steeringReadsTheDuos(browser);
  await advisorFindsAPathAndProposesAPoei(browser);
  await recruiterTrainsThenHires(browser);
  await steeringReadsTheTrainingPlans(browser);
  await steeringReadsTheQuarterlyReport(browser);
  await partnerReviewsItsServices(browser);
  await partnerWritesAService(browser);
  await managerInvitesARecruiter(browser);
  await steeringAndAdmin(browser);
  const person = await advisorProposesForThePersonsSpace(browser);
  await personUsesTheirSpace(browser, person);
  fs.writeFileSync(path.join(shots, "pages.json"), JSON.stringify(checked, null, 2));
  console.log(`journeys passed: ${checked.length} pages checked, screenshots in ${shots}`);
} finally {
  await browser.close();
}
