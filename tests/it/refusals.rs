//! The lifecycle's refusals (and `set`'s), as a session shows them: what is wrong, what
//! to run instead, and the exit code.

use crate::lifecycle::six_phases;

#[test]
fn refusals_say_what_is_wrong_and_what_to_run() {
    let repo = six_phases();
    repo.chant(&["add", "Other", "--id", "001-other"]);
    repo.chant(&["start", "001-comprehension"]);
    // Blocked start, open criteria, an illegal transition, a start that changes nothing.
    insta::assert_snapshot!(repo.run(&["start", "002-reproduction"]), @r"
        ------- stderr -------
        chant::lifecycle::blocked

          × 002-reproduction cannot start: depends on 001-comprehension (in_progress)
          help: finish what blocks it first (`git chant show 002-reproduction`), or start it anyway with
                `--force`
        [EOF]
        [exit status: 1]
        ");
    insta::assert_snapshot!(repo.run(&["done", "001-comprehension"]), @r"
        ------- stderr -------
        chant::lifecycle::open_criteria

          × 001-comprehension cannot complete: 2 of its acceptance criteria are not ticked: 1. Findings
          │ written down; 2. Reviewed
          help: tick them with `git chant check 001-comprehension 1 2`, or complete it anyway with
                `--force`
        [EOF]
        [exit status: 1]
        ");
    insta::assert_snapshot!(repo.run(&["pause", "002-reproduction"]), @r"
        ------- stderr -------
        chant::lifecycle::illegal

          × 002-reproduction is pending: it cannot go to paused
          help: from pending a spec may go to: in_progress, cancelled; `--force` overrides (the commit
                records it as forced)
        [EOF]
        [exit status: 1]
        ");
    insta::assert_snapshot!(repo.run(&["start", "001-comprehension"]), @r"
        ------- stderr -------
        chant::lifecycle::unchanged

          × 001-comprehension is already in_progress
          help: `git chant show 001-comprehension` shows its state
        [EOF]
        [exit status: 1]
        ");
    insta::assert_snapshot!(repo.run(&["check", "001-comprehension", "3"]), @r"
        ------- stderr -------
        chant::lifecycle::no_criterion

          × 001-comprehension has 2 acceptance criteria: there is no criterion 3
          help: `git chant show 001-comprehension` lists them, numbered from 1
        [EOF]
        [exit status: 1]
        ");
    // A cycle, the status through `set`, an unknown type.
    let cycle = [
        "set",
        "001-comprehension",
        "depends_on",
        "--add",
        "003-root-cause",
    ];
    insta::assert_snapshot!(repo.run(&cycle), @r"
        ------- stderr -------
        chant::lifecycle::cycle

          × depending on 003-root-cause would make a cycle: 001-comprehension -> 003-root-cause -> 002-
          │ reproduction -> 001-comprehension
          help: a spec cannot depend, directly or not, on itself
        [EOF]
        [exit status: 1]
        ");
    insta::assert_snapshot!(repo.run(&["set", "001-comprehension", "status", "completed"]), @r"
        ------- stderr -------
        chant::input::field

          × 001-comprehension: status changes go through the lifecycle commands
          help: use git chant start / done / fail / pause / cancel / reopen
        [EOF]
        [exit status: 1]
        ");
    insta::assert_snapshot!(repo.run(&["set", "001-comprehension", "type", "docs"]), @r"
        ------- stderr -------
        chant::input::type

          × 001-comprehension: unknown type `docs`
          help: known types: code, task, driver, group, research, documentation; `--force` stores it
                anyway
        [EOF]
        [exit status: 1]
        ");
    // Archiving an unfinished spec; ids that name no spec, or two.
    insta::assert_snapshot!(repo.run(&["archive", "002-reproduction"]), @r"
        ------- stderr -------
        chant::lifecycle::archive

          × 002-reproduction is pending: only completed or cancelled specs are archived
          help: finish or cancel it first, or archive it anyway with `--force`
        [EOF]
        [exit status: 1]
        ");
    insta::assert_snapshot!(repo.run(&["start", "zzz"]), @r"
        ------- stderr -------
        chant::id::unknown

          × no spec matches `zzz`
          help: `git chant list --all` shows every spec id
        [EOF]
        [exit status: 1]
        ");
    insta::assert_snapshot!(repo.run(&["start", "001"]), @r"
        ------- stderr -------
        chant::id::ambiguous

          × `001` is ambiguous: it matches 001-comprehension, 001-other
          help: give more of the id, e.g. `001-comprehension`
        [EOF]
        [exit status: 1]
        ");
}
