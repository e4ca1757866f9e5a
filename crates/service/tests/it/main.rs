//! The service over HTTP: a real server on port 0 over a fresh database (SQLite, and
//! PostgreSQL when `PASSERELLE_TEST_POSTGRES_URL` is set), driven by a real HTTP client.

// Test code: failing loudly is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::disallowed_methods)]

mod actions;
mod audit;
mod difficulty;
mod directory_forms;
mod duos;
mod evaluations;
mod evaluations_pages;
mod forms;
mod fuzz_forms;
mod limits;
mod lower;
mod matrix;
mod ops;
mod pages;
mod person;
mod portfolio;
mod priority;
mod privacy;
mod retention;
mod reveal;
mod security;
mod staff;
mod steering;
mod support;
mod tension;
mod training_plans;
mod trainings;
mod workflow;

pub use actions::*;
pub use audit::*;
pub use difficulty::*;
pub use directory_forms::*;
pub use duos::*;
pub use evaluations::*;
pub use evaluations_pages::*;
pub use forms::*;
pub use matrix::*;
pub use pages::*;
pub use person::*;
pub use portfolio::*;
pub use priority::*;
pub use privacy::*;
pub use retention::*;
pub use reveal::*;
pub use staff::*;
pub use steering::*;
pub use tension::*;
pub use training_plans::*;
pub use trainings::*;
pub use workflow::*;

on_both_backends!(
    a_partner_writes_a_service_that_the_directory_finds_at_once,
    a_structure_new_to_a_moderated_network_waits_for_approval,
    a_structure_keeps_its_profile_and_writes_services_in_the_form,
    the_self_service_holds_against_a_probe,
    invitations_are_paced_and_replaced_only_by_who_may,
    link_requests_are_paced_per_inbox_apart_from_the_staffs_sign_ins,
    a_withdrawal_declines_the_invitations_not_answered,
    the_person_answers_a_duo_from_their_space,
    evaluations_are_shared_only_for_the_kinds_the_person_chose,
    erasure_requests_are_filed_processed_and_told_and_the_sweep_runs,
    the_committee_reads_its_indicators_in_tables_pages_and_files,
    a_training_plan_is_built_agreed_followed_and_its_obligation_checked,
    a_training_plan_names_each_wrong_field_and_a_scheme_that_does_not_apply,
    training_plan_pages_build_agree_and_hire_in_french,
    the_catalogue_is_searched_and_a_person_gets_their_paths,
    a_mentor_is_registered_suggested_and_a_duo_formed_and_logged,
    the_lottery_draws_once_silent_duos_alert_and_a_withdrawal_stops_duos,
    duo_pages_register_a_mentor_propose_and_log_in_french,
    duo_candidates_put_priority_publics_first,
    access_matrix,
    page_access_matrix,
    evaluations_are_recorded_shared_and_shown_through_the_pages,
    page_forms_need_their_anti_forgery_field,
    steering_page_counts_shortlists_and_names_nobody,
    meetings_invite_the_territory_and_the_organiser_records_attendance,
    a_structure_confirms_its_own_services_only,
    every_referral_transition_is_allowed_or_refused_as_the_workflow_says,
    idle_referrals_expire_after_the_configured_days,
    identity_is_revealed_to_the_agency_only_after_acceptance,
    audit_chain_verifies_and_finds_a_tampered_row,
    owning_an_offer_gives_the_offers_side_never_the_persons,
    each_role_seated_in_the_offers_owner,
    a_seat_fits_its_structures_kind,
    pages_list_only_the_referrals_the_api_gives,
    a_proposal_respects_consent_scope_and_eligibility,
    shortlists_apply_the_territorys_policy_and_follow_the_steering_committee,
    an_advisor_records_consent_and_a_withdrawal_takes_the_person_out_at_once,
    france_travails_systems_push_job_seekers_with_the_imports_validation,
    the_offer_form_names_each_wrong_field_in_french_and_stores_nothing,
    a_file_import_lists_each_rejected_row_and_stores_the_good_ones,
    the_portfolio_is_searched_filtered_and_paged_by_the_database,
    structures_are_searched_and_paged_through_the_api,
    the_dashboard_is_counted_by_the_database,
    official_and_local_tension_through_the_api,
    an_open_offers_difficulty_comes_from_the_model_in_force,
    an_action_is_prepared_published_and_moved_by_its_organisers,
    an_action_is_prepared_from_an_offer_through_the_pages,
    invitations_are_drawn_relayed_and_answered,
    invitations_through_the_pages,
    outcomes_move_the_referral_and_the_funnel_counts_them,
    outcomes_through_the_pages,
    a_person_signs_in_from_the_outbox_link_once,
    an_advisor_gives_a_code_and_the_person_answers_and_narrows_consent,
    the_persons_pages_answer_and_set_consent_in_french,
    a_withdrawal_on_one_instance_leaves_the_others_shortlists_within_two_seconds,
    a_manager_invites_a_recruiter_who_signs_in_and_sees_the_agencys_offers,
    a_manager_manages_their_own_agency_only_and_gives_only_the_roles_they_manage,
    a_suspended_recruiter_loses_access_at_once_until_reactivated,
    the_team_pages_invite_and_the_link_sets_a_password_once_in_french,
);
