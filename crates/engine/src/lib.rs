//! Passerelle's sourcing engine. It does no IO and never reads the clock: it is handed its data
//! and the time, and answers.
//!
//! So far: [`fair`], the FA*IR ranked group fairness of Zehlike et al. (CIKM 2017).

pub mod fair;
