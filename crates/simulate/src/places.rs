//! Where people live and work: the region's communes by department, weighted by population
//! (Paris, Lyon and Marseille by arrondissement).

use domain::InseeCode;
use rand::Rng;
use rand::rngs::StdRng;

pub struct Commune {
    pub code: InseeCode,
    pub point: (f64, f64),
    pub population: u64,
    pub postcode: Option<String>,
}

pub struct Department {
    pub code: String,
    pub population: u64,
    /// Communes most populated first, with the cumulative population for drawing.
    pub communes: Vec<(Commune, u64)>,
}

impl Department {
    /// A commune drawn with a probability proportional to its population.
    pub fn draw(&self, rng: &mut StdRng) -> Option<&Commune> {
        let total = self.communes.last()?.1;
        let pick = rng.random_range(0..total.max(1));
        let i = self
            .communes
            .partition_point(|(_, cumulative)| *cumulative <= pick);
        self.communes.get(i).map(|(c, _)| c)
    }

    /// The `n` most populated communes, repeated if there are fewer.
    pub fn largest(&self, n: usize) -> impl Iterator<Item = &Commune> {
        self.communes.iter().map(|(c, _)| c).cycle().take(n)
    }
}

pub struct Places {
    pub departments: Vec<Department>,
}

impl Places {
    pub fn new(region: &str) -> Result<Self, String> {
        let geo = refdata::geo();
        let mut departments: Vec<Department> = geo
            .departments()
            .filter(|d| d.region == region)
            .map(|d| Department {
                code: d.code.to_string(),
                population: 0,
                communes: Vec::new(),
            })
            .collect();
        // Cities with arrondissements are represented by their arrondissements.
        let divided: std::collections::BTreeSet<&str> = geo
            .communes()
            .iter()
            .filter_map(|c| c.arrondissement_of)
            .collect();
        for c in geo.communes() {
            if c.region != region || divided.contains(c.code) {
                continue;
            }
            let Some(department) = departments.iter_mut().find(|d| d.code == c.department) else {
                continue;
            };
            let Ok(code) = InseeCode::parse(c.code) else {
                continue;
            };
            department.communes.push((
                Commune {
                    code,
                    point: c.point(),
                    population: u64::from(c.population.max(1)),
                    postcode: c.postcodes.first().map(|p| p.to_string()),
                },
                0,
            ));
        }
        for department in &mut departments {
            department.communes.sort_by(|a, b| {
                b.0.population
                    .cmp(&a.0.population)
                    .then(a.0.code.cmp(&b.0.code))
            });
            let mut total = 0;
            for (commune, cumulative) in &mut department.communes {
                total += commune.population;
                *cumulative = total;
            }
            department.population = total;
        }
        departments.retain(|d| !d.communes.is_empty());
        if departments.is_empty() {
            return Err(format!("region {region}: no commune"));
        }
        Ok(Self { departments })
    }
}
