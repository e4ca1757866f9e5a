//! `passerelle rome ...`: the ROME occupations referential.

use std::io::Write;

use clap::Subcommand;
use refdata::{Domain, JobTitle, MobilityKind, Occupation, Rome, Skill};
use serde::Serialize;

use super::write_json;

#[derive(Debug, Subcommand)]
pub enum RomeCommand {
    /// Find occupations by label or job title, best first
    ///
    /// Case, accents and word order do not matter; words may be cut short, feminine and plural
    /// forms and one typo are forgiven: `passerelle rome search "aide soignante"`.
    Search {
        /// Words to look for (several words are one query)
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
        /// How many occupations to list at most
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Show one occupation: label, domain, job titles, skills, close occupations
    Show {
        /// ROME code, e.g. N1101
        code: String,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: RomeCommand, out: &mut dyn Write) -> anyhow::Result<()> {
    let rome = refdata::rome();
    match command {
        RomeCommand::Search { text, limit, json } => {
            let query = text.join(" ");
            let hits = rome.search(&query, limit);
            if json {
                return write_json(out, &hits);
            }
            if hits.is_empty() {
                anyhow::bail!("no occupation matches {query:?}; try fewer or shorter words");
            }
            for hit in hits {
                if hit.matched == hit.label {
                    writeln!(out, "{}  {:.3}  {}", hit.code, hit.score, hit.label)?;
                } else {
                    writeln!(
                        out,
                        "{}  {:.3}  {}  (matched: {})",
                        hit.code, hit.score, hit.label, hit.matched
                    )?;
                }
            }
            Ok(())
        }
        RomeCommand::Show { code, json } => {
            let occupation = rome.find(&code)?;
            let view = OccupationView::new(rome, occupation);
            if json {
                write_json(out, &view)
            } else {
                view.write_text(out)
            }
        }
    }
}

#[derive(Serialize)]
struct Labelled {
    code: &'static str,
    label: Option<&'static str>,
}

impl From<Domain> for Labelled {
    fn from(domain: Domain) -> Self {
        Self {
            code: domain.code,
            label: domain.label,
        }
    }
}

#[derive(Serialize)]
struct CloseOccupation {
    code: &'static str,
    label: &'static str,
    kind: MobilityKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    from_job_title: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to_job_title: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shared_naf_divisions: Option<u8>,
}

/// What `rome show` prints, in text or JSON.
#[derive(Serialize)]
struct OccupationView<'a> {
    code: &'static str,
    label: &'static str,
    label_v3: Option<&'static str>,
    grand_domaine: Labelled,
    domaine_professionnel: Labelled,
    naf_divisions: Vec<Labelled>,
    job_titles: &'a [JobTitle],
    skills: &'a [Skill],
    close_occupations: Vec<CloseOccupation>,
}

impl<'a> OccupationView<'a> {
    fn new(rome: &Rome, occupation: &'a Occupation) -> Self {
        let domain = |code: &'static str| {
            rome.domain(code)
                .map(Labelled::from)
                .unwrap_or(Labelled { code, label: None })
        };
        let title_label = |code: &str, ogr: Option<&'static str>| {
            let ogr = ogr?;
            rome.occupation(code)?
                .job_titles
                .iter()
                .find(|t| t.ogr == ogr)
                .map(|t| t.label)
        };
        Self {
            code: occupation.code,
            label: occupation.label,
            label_v3: occupation.label_v3,
            grand_domaine: domain(occupation.grand_domaine_code()),
            domaine_professionnel: domain(occupation.domaine_professionnel_code()),
            naf_divisions: occupation
                .naf_divisions
                .iter()
                .map(|&code| Labelled {
                    code,
                    label: rome.naf_division(code),
                })
                .collect(),
            job_titles: &occupation.job_titles,
            skills: &occupation.skills,
            close_occupations: occupation
                .mobility
                .iter()
                .map(|link| CloseOccupation {
                    code: link.target,
                    label: rome.occupation(link.target).map_or("", |o| o.label),
                    kind: link.kind,
                    from_job_title: title_label(occupation.code, link.source_title),
                    to_job_title: title_label(link.target, link.target_title),
                    shared_naf_divisions: link.shared_naf_divisions,
                })
                .collect(),
        }
    }

    fn write_text(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        let labelled = |l: &Labelled| match l.label {
            Some(label) => format!("{} {label}", l.code),
            None => l.code.to_string(),
        };
        writeln!(out, "{}  {}", self.code, self.label)?;
        if let Some(v3) = self.label_v3 {
            writeln!(out, "ROME v3.47 fiche: {v3}")?;
        } else {
            writeln!(
                out,
                "New in ROME 4.0: no v3.47 detail; close occupations are derived"
            )?;
        }
        writeln!(
            out,
            "Domain: {} / {}",
            labelled(&self.grand_domaine),
            labelled(&self.domaine_professionnel)
        )?;
        for naf in &self.naf_divisions {
            writeln!(out, "NAF division: {}", labelled(naf))?;
        }
        if !self.job_titles.is_empty() {
            writeln!(out, "\nJob titles ({}):", self.job_titles.len())?;
            for title in self.job_titles {
                writeln!(out, "  {}", title.label)?;
            }
        }
        if !self.skills.is_empty() {
            writeln!(out, "\nSkills ({}):", self.skills.len())?;
            for skill in self.skills {
                writeln!(out, "  {}", skill.label)?;
            }
        }
        if !self.close_occupations.is_empty() {
            writeln!(
                out,
                "\nClose occupations ({}):",
                self.close_occupations.len()
            )?;
            for close in &self.close_occupations {
                let mut line = format!(
                    "  {:<9} {}  {}",
                    close.kind.as_str(),
                    close.code,
                    close.label
                );
                if let Some(from) = close.from_job_title {
                    line.push_str(&format!("  (from {from}"));
                    line.push_str(&match close.to_job_title {
                        Some(to) => format!(" to {to})"),
                        None => ")".to_string(),
                    });
                } else if let Some(to) = close.to_job_title {
                    line.push_str(&format!("  (to {to})"));
                }
                if let Some(shared) = close.shared_naf_divisions {
                    let plural = if shared == 1 { "" } else { "s" };
                    line.push_str(&format!("  ({shared} NAF division{plural} in common)"));
                }
                writeln!(out, "{line}")?;
            }
        }
        Ok(())
    }
}
