//! The prompt templates git chant carries itself, for the runs a ledger need not have a
//! prompt for: `merge-conflict` (`merge --resolve`), and upstream chant's `verify` and
//! `split`, which ask one question and read the answer. A ledger's `prompts/<name>.md`
//! replaces any of them; what the answer must look like is then added to it (see
//! [`verify_tail`], [`split_tail`]) unless it says so already, so the answer can be read.

/// The built-in template called `name`.
pub fn template(name: &str) -> Option<&'static str> {
    match name {
        "merge-conflict" => Some(MERGE_CONFLICT),
        "verify" => Some(VERIFY),
        "split" => Some(SPLIT),
        _ => None,
    }
}

const MERGE_CONFLICT: &str = "# Resolve the merge conflict in {{worktree.branch}}\n\nSpec {{spec.id}} ({{spec.title}}) is done, but its branch conflicts with its target. In {{worktree.path}} a `git merge` of the target has stopped on conflicts in:\n\n{{spec.conflicting_files}}\n\nResolve each conflict keeping the intent of both sides, `git add` the files, and conclude the merge with `git commit --no-edit`. Do not start the work over: it is done.\n\n{{spec.description}}\n";

/// Upstream chant's `verify` prompt, with the criteria numbered and a JSON answer.
const VERIFY: &str = "---\nname: verify\npurpose: Verify that acceptance criteria are met\n---\n\n# Verify Acceptance Criteria\n\nYou are verifying that a spec for {{project.name}} meets its acceptance criteria, in a checkout of the commit its work landed in ({{worktree.path}}).\n\n## Your Spec\n\n**{{spec.title}}** ({{spec.id}})\n\n{{spec.description}}\n\n## The Criteria, Numbered\n\n{{spec.criteria}}\n\n## Your Task\n\nReview each acceptance criterion and determine if it is met:\n\n- **pass**: the criterion is demonstrably satisfied (you verified code, tests, output)\n- **fail**: the criterion is not satisfied, or there is evidence it is broken\n- **skip**: its status cannot be determined (ambiguous, nothing to check, or it needs a person)\n\n## How to Verify\n\n1. Read the target files if they exist\n2. Review the code to confirm the work was done\n3. Run the tests if applicable\n4. Look for evidence: file contents, test results\n\nA checked box is a claim, not evidence. For an ambiguous criterion, state your interpretation; with several, report the more conservative result.\n\n## Constraints\n\n- Do not modify any files\n- Do not make commits\n- Focus on verification only\n- Be objective; do not assume intent\n";

/// Upstream chant's `split` prompt (its answer format: `## Member N: <title>` sections).
const SPLIT: &str = "---\nname: split\npurpose: Split a driver spec into members with detailed acceptance criteria\n---\n\n# Split Driver Specification into Member Specs\n\nYou are analyzing a specification for the {{project.name}} project and proposing how to split it into smaller, ordered member specs.\n\n**IMPORTANT: This is an analysis task. Do NOT make any changes, do NOT commit anything. ONLY output text in the exact format specified below.**\n\n## Specification to Split\n\n**ID:** {{spec.id}}\n**Title:** {{spec.title}}\n\n{{spec.description}}\n\n## Your Task\n\n1. Analyze the specification and its acceptance criteria\n2. Propose a sequence of member specs where:\n   - Each member leaves code in a compilable state\n   - Each member is independently testable and valuable\n   - Dependencies are minimized (parallelize where possible)\n3. For each member, provide a clear title, what it implements, explicit acceptance criteria with checkboxes, edge cases, the affected files if identifiable, and the members it depends on.\n\n## Output Format\n\n**Output ONLY the member specs, in EXACTLY this format.** Start directly with `## Member 1:`.\n\n```\n## Member 1: <title>\n\n<description of what this member accomplishes>\n\n### Acceptance Criteria\n\n- [ ] Specific criterion 1\n- [ ] Specific criterion 2\n\n### Edge Cases\n\n- Edge case 1: what should happen and how to test it\n\n**Affected Files:**\n- file1.rs\n- file2.rs\n\n**Dependencies:** None\n\n## Member 2: <title>\n\n...\n\n**Dependencies:** Member 1\n```\n\nIf no files are identified, omit the Affected Files section. Create as many members as needed (typically 3-7 for a medium spec).\n";

/// The JSON Schema of a verdict: what Claude Code's `--json-schema` is given.
pub const VERDICT_SCHEMA: &str = r#"{"type":"object","properties":{"criteria":{"type":"array","items":{"type":"object","properties":{"criterion":{"type":"integer","minimum":1},"status":{"type":"string","enum":["pass","fail","skip"]},"reason":{"type":"string"}},"required":["criterion","status"]}},"summary":{"type":"string"}},"required":["criteria"]}"#;

/// What a `verify` prompt must end with, unless it asks for the JSON answer already.
pub fn verify_tail(prompt: &str) -> Option<&'static str> {
    (!prompt.contains("\"criteria\"")).then_some(
        "\n\n## Your Answer\n\nEnd your answer with one fenced JSON block, a verdict for each numbered criterion:\n\n```json\n{\"criteria\": [{\"criterion\": 1, \"status\": \"pass\", \"reason\": \"why, in one line\"}], \"summary\": \"one line\"}\n```\n\n`status` is `pass`, `fail` or `skip`; `criterion` is the criterion's number above.\n",
    )
}

/// What a `split` prompt must end with, unless it names the dependency line already.
pub fn split_tail(prompt: &str) -> Option<&'static str> {
    (!prompt.contains("**Dependencies:**")).then_some(
        "\n\nEnd each member with a line `**Dependencies:** Member 1, Member 2` naming the members it needs first (by number), or `**Dependencies:** None`.\n",
    )
}
