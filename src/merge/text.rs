//! Three-way line merge: changes from base to each side are applied together when they
//! touch different lines; where both sides changed the same lines differently, the result
//! keeps one side (chosen by the caller) and reports the conflict. Never conflict markers.

use similar::{capture_diff_slices, Algorithm, DiffOp};

/// A region both sides changed differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// 1-based line in the base where the region starts.
    pub line: usize,
    pub base: String,
    pub ours: String,
    pub theirs: String,
    /// Whether the merged text took `ours` (else `theirs`): the record names exactly what
    /// was kept, whichever `Prefer` decided it.
    pub kept_ours: bool,
}

impl Conflict {
    /// The text the merge kept and the text it dropped.
    pub fn kept_and_lost(&self) -> (&str, &str) {
        if self.kept_ours {
            (&self.ours, &self.theirs)
        } else {
            (&self.theirs, &self.ours)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub text: String,
    pub conflicts: Vec<Conflict>,
}

/// Which side's text a conflicting region keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefer {
    Ours,
    Theirs,
    /// The text that sorts last: the same answer whichever side runs the merge.
    Greater,
}

impl Prefer {
    fn keeps_ours(self, ours: &str, theirs: &str) -> bool {
        match self {
            Prefer::Ours => true,
            Prefer::Theirs => false,
            Prefer::Greater => ours >= theirs,
        }
    }
}

/// One change from the base: base lines `start..end` become `lines`.
#[derive(Debug, Clone)]
struct Hunk<'a> {
    start: usize,
    end: usize,
    lines: Vec<&'a str>,
}

fn hunks<'a>(base: &[&'a str], side: &[&'a str]) -> Vec<Hunk<'a>> {
    let mut out: Vec<Hunk<'a>> = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, base, side) {
        let (start, end, new) = match op {
            DiffOp::Equal { .. } => continue,
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => (old_index, old_index + old_len, new_index..new_index),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => (old_index, old_index, new_index..new_index + new_len),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (
                old_index,
                old_index + old_len,
                new_index..new_index + new_len,
            ),
        };
        match out.last_mut() {
            // A delete followed by an insert at the same place is one replacement.
            Some(last) if last.end == start => {
                last.end = end;
                last.lines.extend(&side[new]);
            }
            _ => out.push(Hunk {
                start,
                end,
                lines: side[new].to_vec(),
            }),
        }
    }
    out
}

/// Do two changes interfere? Replacements interfere when their base ranges overlap; an
/// insertion interferes with a change at or around its position (the order would be a guess).
fn interfere(a: (usize, usize), b: (usize, usize)) -> bool {
    if a.0 == a.1 || b.0 == b.1 {
        a.0 <= b.1 && b.0 <= a.1
    } else {
        a.0 < b.1 && b.0 < a.1
    }
}

/// The side's text for base lines `start..end`, given its hunks inside that range.
fn side_text<'a>(base: &[&'a str], start: usize, end: usize, hunks: &[&Hunk<'a>]) -> String {
    let mut out = String::new();
    let mut pos = start;
    for h in hunks {
        out.push_str(&base[pos..h.start].concat());
        out.push_str(&h.lines.concat());
        pos = h.end;
    }
    out.push_str(&base[pos..end].concat());
    out
}

/// When both sides kept the region's line count, merges it line by line; `None` when some
/// line was changed differently on both sides.
fn line_by_line(base: &[&str], ours: &str, theirs: &str) -> Option<String> {
    let ours: Vec<&str> = ours.split_inclusive('\n').collect();
    let theirs: Vec<&str> = theirs.split_inclusive('\n').collect();
    if ours.len() != base.len() || theirs.len() != base.len() {
        return None;
    }
    let mut out = String::new();
    for ((b, o), t) in base.iter().zip(&ours).zip(&theirs) {
        let line = if o == t || t == b {
            o
        } else if o == b {
            t
        } else {
            return None;
        };
        out.push_str(line);
    }
    Some(out)
}

/// Merges `ours` and `theirs`, both changed from `base`, line by line.
pub fn merge3(base: &str, ours: &str, theirs: &str, prefer: Prefer) -> Merged {
    let base_lines: Vec<&str> = base.split_inclusive('\n').collect();
    let our_lines: Vec<&str> = ours.split_inclusive('\n').collect();
    let their_lines: Vec<&str> = theirs.split_inclusive('\n').collect();
    let mut all: Vec<(bool, Hunk)> = hunks(&base_lines, &our_lines)
        .into_iter()
        .map(|h| (true, h))
        .collect();
    all.extend(
        hunks(&base_lines, &their_lines)
            .into_iter()
            .map(|h| (false, h)),
    );
    all.sort_by_key(|(ours, h)| (h.start, h.end, !ours));

    let mut text = String::new();
    let mut conflicts = Vec::new();
    let mut pos = 0;
    let mut i = 0;
    while i < all.len() {
        // A cluster: hunks that interfere with the growing range, from either side.
        let (mut start, mut end) = (all[i].1.start, all[i].1.end);
        let mut j = i + 1;
        while j < all.len() && interfere((start, end), (all[j].1.start, all[j].1.end)) {
            start = start.min(all[j].1.start);
            end = end.max(all[j].1.end);
            j += 1;
        }
        let cluster = &all[i..j];
        text.push_str(&base_lines[pos..start].concat());
        let mine: Vec<&Hunk> = cluster.iter().filter(|(o, _)| *o).map(|(_, h)| h).collect();
        let other: Vec<&Hunk> = cluster
            .iter()
            .filter(|(o, _)| !*o)
            .map(|(_, h)| h)
            .collect();
        let our_text = side_text(&base_lines, start, end, &mine);
        let their_text = side_text(&base_lines, start, end, &other);
        if mine.is_empty() {
            text.push_str(&their_text);
        } else if other.is_empty() || our_text == their_text {
            text.push_str(&our_text);
        } else if let Some(merged) = line_by_line(&base_lines[start..end], &our_text, &their_text) {
            // Both sides edited the same lines in place (ticking different checkboxes of
            // one list, say): each line takes the side that changed it.
            text.push_str(&merged);
        } else {
            let kept_ours = prefer.keeps_ours(&our_text, &their_text);
            text.push_str(if kept_ours { &our_text } else { &their_text });
            conflicts.push(Conflict {
                line: start + 1,
                base: base_lines[start..end].concat(),
                ours: our_text,
                theirs: their_text,
                kept_ours,
            });
        }
        pos = end;
        i = j;
    }
    text.push_str(&base_lines[pos..].concat());
    Merged { text, conflicts }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_to_different_lines_merge() {
        let base = "a\nb\nc\nd\n";
        let merged = merge3(base, "A\nb\nc\nd\n", "a\nb\nc\nD\n", Prefer::Ours);
        assert_eq!(merged.text, "A\nb\nc\nD\n");
        assert!(merged.conflicts.is_empty());
    }

    #[test]
    fn ticks_on_adjacent_lines_from_both_sides_both_survive() {
        let base = "- [ ] one\n- [ ] two\n- [ ] three\n";
        let ours = "- [x] one\n- [ ] two\n- [ ] three\n";
        let theirs = "- [ ] one\n- [x] two\n- [ ] three\n";
        let merged = merge3(base, ours, theirs, Prefer::Ours);
        assert_eq!(merged.text, "- [x] one\n- [x] two\n- [ ] three\n");
        assert!(merged.conflicts.is_empty());
    }

    #[test]
    fn ticks_of_overlapping_regions_merge_line_by_line() {
        let base = "- [ ] one\n- [ ] two\n- [ ] three\n";
        let ours = "- [x] one\n- [x] two\n- [x] three\n";
        let theirs = "- [ ] one\n- [ ] two\n- [x] three\n";
        let merged = merge3(base, ours, theirs, Prefer::Greater);
        assert_eq!(merged.text, ours);
        assert!(merged.conflicts.is_empty());
    }

    #[test]
    fn the_same_change_on_both_sides_is_no_conflict() {
        let merged = merge3("a\nb\n", "a\nB\n", "a\nB\n", Prefer::Theirs);
        assert_eq!(merged.text, "a\nB\n");
        assert!(merged.conflicts.is_empty());
    }

    #[test]
    fn a_both_sided_change_keeps_the_preferred_side_and_is_reported() {
        let base = "x\nmiddle\ny\n";
        let ours = merge3(base, "x\nmine\ny\n", "x\ntheirs\ny\n", Prefer::Ours);
        assert_eq!(ours.text, "x\nmine\ny\n");
        assert_eq!(
            ours.conflicts,
            vec![Conflict {
                line: 2,
                base: "middle\n".into(),
                ours: "mine\n".into(),
                theirs: "theirs\n".into(),
                kept_ours: true,
            }]
        );
        let theirs = merge3(base, "x\nmine\ny\n", "x\ntheirs\ny\n", Prefer::Theirs);
        assert_eq!(theirs.text, "x\ntheirs\ny\n");
        assert!(!theirs.text.contains("<<<<<<<"));
    }

    #[test]
    fn greater_keeps_the_text_that_sorts_last_whichever_side_it_is() {
        let base = "- [ ] one\n";
        for (ours, theirs) in [
            ("- [ ] aaa\n", "- [ ] zzz\n"),
            ("- [ ] zzz\n", "- [ ] aaa\n"),
        ] {
            let merged = merge3(base, ours, theirs, Prefer::Greater);
            assert_eq!(merged.text, "- [ ] zzz\n");
            assert_eq!(
                merged.conflicts[0].kept_and_lost(),
                ("- [ ] zzz\n", "- [ ] aaa\n")
            );
        }
    }

    #[test]
    fn insertions_at_the_same_place_conflict_unless_equal() {
        let merged = merge3("a\nb\n", "a\nnew1\nb\n", "a\nnew2\nb\n", Prefer::Ours);
        assert_eq!(merged.conflicts.len(), 1);
        let appended = merge3("a\n", "a\nx\n", "a\n", Prefer::Ours);
        assert_eq!(appended.text, "a\nx\n");
    }
}
