//! The store's contract: one suite, run against SQLite and against PostgreSQL.
//!
//! PostgreSQL tests need a server: set `PASSERELLE_TEST_POSTGRES_URL` to a URL whose user may
//! create databases (e.g. `postgres://postgres@127.0.0.1:5432/postgres`); each test gets a
//! fresh database, dropped at the end. Without the variable they print that they were skipped;
//! with `PASSERELLE_TEST_REQUIRE_POSTGRES=1` (CI) a missing variable fails them instead.

// Test code: failing loudly is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::indexing_slicing, clippy::disallowed_methods)]

mod changes;
mod contract;
mod directory_edits;
mod duos;
mod evaluations;
mod gatherings;
mod past_sourcing;
mod plans;
mod retention;
mod staff;
mod steering;
mod trainings;

/// Declares each contract test twice: on SQLite and on PostgreSQL.
macro_rules! contract_tests {
    ($($name:ident),+ $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = testdb::TestDb::sqlite().await;
                    crate::contract::$name(&db).await;
                    db.finish().await;
                }
            )+
        }
        mod on_postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(db) = testdb::TestDb::postgres(stringify!($name)).await else {
                        return;
                    };
                    crate::contract::$name(&db).await;
                    db.finish().await;
                }
            )+
        }
    };
}

contract_tests!(
    services_are_written_one_by_one_with_their_history,
    a_moderated_network_holds_its_new_structures_services,
    a_structure_profile_reads_back_whole,
    migrating_twice_changes_nothing,
    portfolio_is_searched_filtered_sorted_and_paged_by_the_database,
    structures_are_searched_sorted_and_paged_by_the_database,
    structures_are_upserted_on_their_siret,
    users_memberships_and_tokens,
    job_seekers_round_trip_every_field,
    sourcing_profiles_are_the_records_without_identity,
    job_seekers_upsert_is_idempotent_and_replaces_targets,
    job_seekers_with_unknown_agency_or_advisor_are_rejected_alone,
    offers_round_trip_and_close,
    offers_with_unknown_owner_or_inconsistent_status_are_rejected,
    referral_transitions_are_checked_and_logged,
    audit_trail_is_append_only,
    audit_trail_is_hash_chained_and_tampering_is_found,
    sessions_open_expire_and_close,
    referrals_are_listed_by_scope_and_idleness,
    shortlist_tallies_add_up,
    priority_policies_are_an_append_only_history,
    consent_is_recorded_with_its_history_and_kept_by_imports,
    referral_holder_tallies_count_each_status,
    services_and_profiles_round_trip,
    meetings_invitations_registrations_and_attendance,
    schema_refuses_what_the_code_would_refuse,
    bulk_write_of_thousands_reads_back_identical,
    dashboard_counts_open_offers_and_referrals_in_sql,
    local_tension_groups_offers_and_seekers,
    offers_keep_their_wage_and_closing_reason,
    offer_histories_and_difficulty_models_round_trip,
    gatherings_seat_wait_promote_and_record_attendance,
    concurrent_registrations_never_exceed_capacity,
    duos_move_as_the_workflow_allows_and_record_their_outcomes,
    a_mentors_places_hold_and_a_withdrawal_closes_their_duos,
    concurrent_proposals_never_exceed_a_mentors_places,
    a_person_is_drawn_once_and_a_won_draw_proposes_its_duo,
    both_yeses_at_once_accept_and_days_follow_the_proposal,
    the_evaluation_reads_its_population_and_the_recorded_hires,
    past_duos_are_written_whole,
    reminders_are_taken_once_and_messages_marked,
    actions_are_created_listed_and_moved,
    invitations_are_answered_and_an_accepted_one_registers_the_person,
    outcomes_are_recorded_in_their_window_and_the_funnel_counts_them,
    a_catalogue_is_imported_whole_or_not_at_all,
    the_catalogue_is_searched_by_occupation_period_and_place,
    a_plan_grows_from_an_accepted_referral_and_moves_to_the_hire,
    a_plan_needs_the_persons_acceptance_and_valid_days,
    past_plans_are_written_whole,
    past_referrals_are_written_whole_with_their_log,
    past_meetings_are_written_whole_with_their_attendance,
    steering_measures_count_events_by_department_and_month,
    the_sweep_anonymises_and_deletes_what_the_rules_say,
    an_erasure_is_refused_naming_its_blockers_and_done_otherwise,
    consent_changes_are_read_once_from_the_change_log,
    evaluations_prove_skills_only_while_shared_and_valid,
    an_invitation_is_accepted_once_and_creates_the_account,
    invitations_expire_and_are_revoked,
    a_suspended_or_removed_seat_ends_its_holders_sessions,
);
