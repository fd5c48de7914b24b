//! Reading a verification answer: a verdict per numbered acceptance criterion, from
//! Claude Code's structured output or a fenced JSON block
//! (`{"criteria": [{"criterion": 1, "status": "pass", "reason": "…"}]}`), and the
//! overall result upstream chant records (`verification_status`: passed, failed or
//! partial; `verification_failures`: `<criterion> — <reason>` for each that failed).
//!
//! The answer is the agent's and so untrusted: every criterion number is checked against
//! the spec, each number once, reasons are cut to one bounded line without control
//! characters, and anything else is an error that names what was wrong.

use serde::Serialize;
use serde_json::Value;

use crate::session::FinalAnswer;
use crate::spec::Criterion;

/// The longest reason kept, in characters.
const MAX_REASON: usize = 300;

/// One criterion's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rated {
    pub criterion: usize,
    pub text: String,
    /// `pass`, `fail` or `skip` (a criterion the answer left out is `skip`).
    pub status: &'static str,
    pub reason: Option<String>,
}

/// The verdicts in `answer` on `criteria`, one per criterion in their order, or why the
/// answer cannot be read.
pub fn read(answer: Option<&FinalAnswer>, criteria: &[Criterion]) -> Result<Vec<Rated>, String> {
    let answer = answer.ok_or("the agent gave no answer")?;
    let value = answer
        .json()
        .ok_or("the answer holds no JSON verdict (a ```json block with `criteria`)")?;
    let items = value
        .get("criteria")
        .and_then(Value::as_array)
        .ok_or("the JSON verdict has no `criteria` list")?;
    if items.len() > criteria.len() {
        return Err(format!(
            "the verdict rates {} criteria, the spec has {}",
            items.len(),
            criteria.len()
        ));
    }
    let mut rated: Vec<Option<(&'static str, Option<String>)>> = vec![None; criteria.len()];
    for (at, item) in items.iter().enumerate() {
        let number = item
            .get("criterion")
            .and_then(Value::as_u64)
            .ok_or(format!("verdict {} has no criterion number", at + 1))?;
        let slot = usize::try_from(number)
            .ok()
            .filter(|n| (1..=criteria.len()).contains(n))
            .ok_or(format!(
                "verdict {} names criterion {number}, the spec has {}",
                at + 1,
                criteria.len()
            ))?;
        let status = match item.get("status").and_then(Value::as_str).map(str::trim) {
            Some(s) if s.eq_ignore_ascii_case("pass") => "pass",
            Some(s) if s.eq_ignore_ascii_case("fail") => "fail",
            Some(s) if s.eq_ignore_ascii_case("skip") => "skip",
            _ => {
                return Err(format!(
                    "the verdict on criterion {number} is not pass, fail or skip"
                ))
            }
        };
        if rated[slot - 1].is_some() {
            return Err(format!("criterion {number} is rated twice"));
        }
        let reason = item
            .get("reason")
            .and_then(Value::as_str)
            .and_then(one_line);
        rated[slot - 1] = Some((status, reason));
    }
    Ok(criteria
        .iter()
        .zip(rated)
        .map(|(c, r)| {
            let (status, reason) = r.unwrap_or(("skip", Some("not rated".into())));
            Rated {
                criterion: c.number,
                text: c.text.clone(),
                status,
                reason,
            }
        })
        .collect())
}

/// `passed` when every criterion passed, `failed` when any failed, else `partial`.
pub fn status(rated: &[Rated]) -> &'static str {
    use crate::spec::verification::{FAILED, PARTIAL, PASSED};
    if rated.iter().any(|r| r.status == "fail") {
        FAILED
    } else if rated.iter().all(|r| r.status == "pass") {
        PASSED
    } else {
        PARTIAL
    }
}

/// `verification_failures`, as upstream writes them: `<criterion> — <reason>`.
pub fn failures(rated: &[Rated]) -> Vec<String> {
    rated
        .iter()
        .filter(|r| r.status == "fail")
        .map(|r| match &r.reason {
            Some(why) => format!("{} — {why}", r.text),
            None => r.text.clone(),
        })
        .collect()
}

/// `text` as one line of at most [`MAX_REASON`] characters, control characters as
/// spaces; `None` when blank.
pub fn one_line(text: &str) -> Option<String> {
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_REASON)
        .collect();
    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    (!line.is_empty()).then_some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criteria(n: usize) -> Vec<Criterion> {
        let body: String = (1..=n).map(|i| format!("- [x] c{i}\n")).collect();
        crate::spec::criteria(&format!("## Acceptance Criteria\n\n{body}"))
    }

    fn answer(json: &str) -> FinalAnswer {
        FinalAnswer {
            text: format!("Checked.\n```json\n{json}\n```\n"),
            structured: None,
        }
    }

    #[test]
    fn verdicts_give_the_status_upstream_records() {
        let all = answer(
            r#"{"criteria":[{"criterion":1,"status":"pass"},{"criterion":2,"status":"PASS"}]}"#,
        );
        let rated = read(Some(&all), &criteria(2)).unwrap();
        assert_eq!(status(&rated), "passed");
        let one_fails = answer(
            r#"{"criteria":[{"criterion":2,"status":"fail","reason":"no test\n\u001b[31m"}]}"#,
        );
        let rated = read(Some(&one_fails), &criteria(2)).unwrap();
        assert_eq!(status(&rated), "failed");
        assert_eq!(failures(&rated), vec!["c2 — no test [31m"]);
        let left_out = answer(r#"{"criteria":[{"criterion":1,"status":"pass"}]}"#);
        assert_eq!(
            status(&read(Some(&left_out), &criteria(2)).unwrap()),
            "partial"
        );
    }

    #[test]
    fn an_answer_naming_other_criteria_is_refused() {
        for (json, why) in [
            (
                r#"{"criteria":[{"criterion":3,"status":"pass"}]}"#,
                "names criterion 3",
            ),
            (
                r#"{"criteria":[{"criterion":0,"status":"pass"}]}"#,
                "names criterion 0",
            ),
            (
                r#"{"criteria":[{"criterion":1,"status":"pass"},{"criterion":1,"status":"fail"}]}"#,
                "rated twice",
            ),
            (
                r#"{"criteria":[{"criterion":1,"status":"maybe"}]}"#,
                "not pass",
            ),
            (r#"{"verdict":"ok"}"#, "no `criteria`"),
        ] {
            let err = read(Some(&answer(json)), &criteria(2)).unwrap_err();
            assert!(err.contains(why), "{json}: {err}");
        }
        assert!(read(None, &criteria(1)).is_err());
    }
}
