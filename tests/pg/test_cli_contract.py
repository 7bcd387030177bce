"""The CLI's contract on both backends: the end-to-end tests of tests/cli, run again with ``run`` from
tests/pg/conftest.py (a file, then a fresh PostgreSQL database). Left out: the tests about the file itself
(its mode, a damaged or unwritable file, nothing written after bad input)."""

from __future__ import annotations

from tests.cli.test_cli import (  # noqa: F401  (collected here, over both backends)
    test_concurrent_writers_lose_nothing,
    test_demo_then_status_lists_all_five_stages,
    test_edit_then_undo_then_history,
    test_eligible_is_the_meeting_planner,
    test_from_application_to_full_member_2014_path_in_the_texts_order,
    test_human_output_in_english_carries_chinese_stage_terms,
    test_out_of_order_is_refused_and_says_what_to_fix,
    test_override_saves_the_step_with_its_reason,
    test_refusal_exit_1_with_rule_and_earliest_in_json,
    test_refusal_message_in_chinese_on_stderr,
    test_status_and_due_json_keys,
    test_unique_name_works_as_person,
    test_unknown_person_is_exit_2,
    test_without_a_terminal_no_command_prints_the_status,
)
from tests.cli.test_procedure_cli import (  # noqa: F401
    test_a_full_2026_path_in_the_texts_order,
    test_fix_moves_a_date_and_the_history_says_before_after_and_why,
    test_fix_refused_when_a_later_step_would_break_r5_then_accepted_with_override,
    test_pending_in_list_json_and_status,
    test_r14_waits_and_is_never_overdue_in_due_json,
    test_undo_person_refused_when_the_last_change_touched_others,
    test_undo_person_reverts_only_that_persons_last_change,
    test_unrecord_refused_while_a_later_step_depends_on_it,
)
from tests.cli.test_registers_cli import (  # noqa: F401
    test_export_all_to_a_workbook_and_a_person_record,
    test_json_backup_round_trip_through_the_cli,
    test_report_for_a_year,
    test_the_unit_is_set_once_and_heads_every_roster,
)
