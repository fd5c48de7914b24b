//! Property test of the validator on random ledger histories: random trees (entry kinds,
//! odd names, duplicates, shuffled order, wrong shards, bad FORMAT, specs of every status,
//! cycles) in random commit graphs (linear, merges, new roots). The validator never
//! panics, and whatever it accepts, a clone's `list`, `show`, `lint`, `export` and `work`
//! handle without error.

use std::collections::BTreeMap;

use git_chant::hooks::server::{check_push, Policy, Update};
use git_chant::store::paths::{shard, spec_path};
use git_chant::store::Store;
use gix::objs::Write as _;
use gix::ObjectId;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::harness::Repo;

const IDS: [&str; 5] = ["a", "b", "c", "d.1", "Bad_Id"];
const STATUSES: [&str; 6] = [
    "pending",
    "in_progress",
    "completed",
    "cancelled",
    "bogus",
    "(garbage)",
];

#[derive(Debug, Clone)]
enum Op {
    /// Spec `IDS[i]`, archived or not, with status `STATUSES[s]` and maybe a dependency.
    Spec(usize, bool, usize, Option<usize>),
    Remove(usize),
    /// One of the odd entries below.
    Odd(usize),
    /// Shuffle the entries of the folder holding spec `IDS[i]`.
    Shuffle(usize),
}

/// `(folder, name, mode)` of entries a careless or hostile push could hold.
fn odd(n: usize) -> (String, String, u16) {
    let a = format!("specs/{}", shard("a"));
    let list: [(&str, &str, u16); 12] = [
        ("", "..", 0o040000),
        ("", "notes.txt", 0o100644),
        ("prompts", "..", 0o100644),
        ("prompts", "x\\..\\y.md", 0o100644),
        ("prompts/extensions", "x.md", 0o100644),
        ("prompts", "standard.md", 0o040000),
        ("specs/zz", "a.md", 0o100644),
        (&a, "c.md", 0o100644),
        (&a, "a.md", 0o100644),
        ("", "FORMAT", 0o120000),
        ("", "config.md", 0o160000),
        ("prompts", "p.md", 0o100755),
    ];
    let (dir, name, mode) = list[n % list.len()];
    (dir.to_owned(), name.to_owned(), mode)
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        // Mostly changes the validator allows, so that many histories get accepted.
        8 => (0..IDS.len(), any::<bool>(), prop_oneof![4 => 0usize..2, 1 => 0..STATUSES.len()], prop_oneof![3 => Just(None), 1 => (0..IDS.len()).prop_map(Some)])
            .prop_map(|(i, a, s, d)| Op::Spec(i, a, s, d)),
        1 => (0..IDS.len()).prop_map(Op::Remove),
        2 => (0usize..12).prop_map(Op::Odd),
        1 => (0..IDS.len()).prop_map(Op::Shuffle),
    ]
}

/// How a commit joins the graph: on the tip, merging an earlier commit, or as a new root.
#[derive(Debug, Clone)]
enum Join {
    Tip,
    Merge(usize),
    Root,
}

fn join() -> impl Strategy<Value = Join> {
    prop_oneof![8 => Just(Join::Tip), 2 => (0usize..4).prop_map(Join::Merge), 1 => Just(Join::Root)]
}

/// A ledger tree as files by path, plus extra raw entries and folders written out of order.
#[derive(Debug, Clone, Default)]
struct Model {
    files: BTreeMap<String, (u16, Vec<u8>)>,
    extra: Vec<(String, String, u16)>,
    shuffled: Vec<String>,
}

fn spec_text(status: &str, dep: Option<&str>) -> Vec<u8> {
    if status == "(garbage)" {
        return b"no frontmatter\n".to_vec();
    }
    let deps = dep.map_or(String::new(), |d| format!("depends_on:\n- {d}\n"));
    format!(
        "---\ntype: code\nstatus: {status}\n{deps}---\n# T\n\n## Acceptance Criteria\n\n- [ ] x\n"
    )
    .into_bytes()
}

impl Model {
    fn apply(&mut self, op: &Op) {
        match op {
            Op::Spec(i, archived, s, dep) => {
                let id = IDS[*i];
                self.files.remove(&spec_path(id, !archived));
                let text = spec_text(STATUSES[*s], dep.map(|d| IDS[d]));
                self.files
                    .insert(spec_path(id, *archived), (0o100644, text));
            }
            Op::Remove(i) => {
                self.files.remove(&spec_path(IDS[*i], false));
                self.files.remove(&spec_path(IDS[*i], true));
            }
            Op::Odd(n) => {
                // In place of a file of that name, if any: a twin is a separate case.
                let (dir, name, mode) = odd(*n);
                let path = if dir.is_empty() {
                    name.clone()
                } else {
                    format!("{dir}/{name}")
                };
                if self.files.remove(&path).is_none() || !name.ends_with(".md") || mode != 0o100644
                {
                    self.extra.push((dir, name, mode));
                }
            }
            Op::Shuffle(i) => {
                let path = spec_path(IDS[*i], false);
                self.shuffled.push(
                    path.rsplit_once('/')
                        .map_or(String::new(), |p| p.0.to_owned()),
                );
            }
        }
    }

    /// Writes the tree of folder `dir` (and below) as raw objects.
    fn write(&self, repo: &gix::Repository, dir: &str, filler: ObjectId) -> ObjectId {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut entries: BTreeMap<Vec<u8>, (u16, String, ObjectId)> = BTreeMap::new();
        let mut push = |name: &str, mode: u16, id: ObjectId, n: usize| {
            let mut key = name.as_bytes().to_vec();
            if mode == 0o040000 {
                key.push(b'/');
            }
            key.extend(std::iter::repeat_n(0xff, n)); // a duplicate sorts after its twin
            entries.insert(key, (mode, name.to_owned(), id));
        };
        let mut folders: Vec<String> = Vec::new();
        for (path, (mode, bytes)) in &self.files {
            let Some(rest) = path.strip_prefix(&prefix) else {
                continue;
            };
            match rest.split_once('/') {
                Some((folder, _)) => folders.push(folder.to_owned()),
                None => push(
                    rest,
                    *mode,
                    repo.objects
                        .write_buf(gix::objs::Kind::Blob, bytes)
                        .unwrap(),
                    0,
                ),
            }
        }
        for (n, (d, name, mode)) in self.extra.iter().enumerate() {
            if d == dir {
                let id = match *mode {
                    0o040000 => self.write(repo, "\u{0}none", filler),
                    0o160000 => filler,
                    _ => repo
                        .objects
                        .write_buf(gix::objs::Kind::Blob, b"odd\n")
                        .unwrap(),
                };
                push(name, *mode, id, n + 1);
            } else if let Some(rest) = d.strip_prefix(&prefix).filter(|_| !d.is_empty()) {
                folders.push(rest.split('/').next().unwrap_or(rest).to_owned());
            }
        }
        folders.sort();
        folders.dedup();
        for folder in folders {
            let id = self.write(repo, &format!("{prefix}{folder}"), filler);
            push(&folder, 0o040000, id, 0);
        }
        let mut list: Vec<(u16, String, ObjectId)> = entries.into_values().collect();
        if self.shuffled.iter().any(|s| s == dir) {
            list.reverse();
        }
        let mut raw = Vec::new();
        for (mode, name, id) in list {
            raw.extend(format!("{mode:o} {name}\0").as_bytes());
            raw.extend(id.as_bytes());
        }
        repo.objects.write_buf(gix::objs::Kind::Tree, &raw).unwrap()
    }
}

fn commit(repo: &gix::Repository, tree: ObjectId, parents: &[ObjectId]) -> ObjectId {
    let mut text = format!("tree {tree}\n");
    for p in parents {
        text.push_str(&format!("parent {p}\n"));
    }
    text.push_str("author T <t@example.com> 1700000000 +0000\ncommitter T <t@example.com> 1700000000 +0000\n\nchant: random\n");
    repo.objects
        .write_buf(gix::objs::Kind::Commit, text.as_bytes())
        .unwrap()
}

#[test]
fn whatever_the_validator_accepts_a_clone_can_use() {
    let repo = Repo::new();
    repo.chant(&["init"]);
    repo.chant(&["add", "Spec A", "--id", "a"]);
    repo.chant(&["add", "Spec B", "--id", "b", "--depends-on", "a"]);
    repo.commit("code");
    let base_hex = repo
        .git(&["rev-parse", "refs/chant/specs"])
        .trim()
        .to_owned();
    let base = ObjectId::from_hex(base_hex.as_bytes()).unwrap();
    let mut model = Model::default();
    for line in repo.git(&["ls-tree", "-r", "refs/chant/specs"]).lines() {
        let (meta, path) = line.split_once('\t').unwrap();
        let blob = meta.split(' ').nth(2).unwrap();
        let bytes = repo.git(&["cat-file", "blob", blob]).into_bytes();
        model.files.insert(path.to_owned(), (0o100644, bytes));
    }
    let gix_repo = gix::open(&repo.path).unwrap();
    let accepted = std::cell::Cell::new(0);
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    let history = prop::collection::vec((join(), prop::collection::vec(op(), 0..4)), 1..4);
    let result = runner.run(&history, |steps| {
        let mut tips = vec![(base, model.clone())];
        for (how, ops) in &steps {
            let (parent, mut next) = tips.last().cloned().unwrap();
            for op in ops {
                next.apply(op);
            }
            let tree = next.write(&gix_repo, "", base);
            let parents = match how {
                Join::Tip => vec![parent],
                Join::Merge(k) => vec![parent, tips[k % tips.len()].0],
                Join::Root => vec![],
            };
            tips.push((commit(&gix_repo, tree, &parents), next));
        }
        let tip = tips.last().unwrap().0;
        let store = Store::open(&repo.path).unwrap();
        let update = Update::new(&base_hex, &tip.to_string(), "refs/chant/specs");
        let problems = check_push(&store, &[update], &Policy::from_config(&store));
        if !matches!(&problems, Ok(p) if p.is_empty()) {
            return Ok(());
        }
        accepted.set(accepted.get() + 1);
        repo.git(&["update-ref", "refs/chant/specs", &tip.to_string()]);
        let listed = repo.list_json(&["--all"]);
        for spec in &listed {
            repo.chant(&["show", spec["id"].as_str().unwrap()]);
        }
        let lint = repo.chant_out(&["lint"]);
        let stderr = String::from_utf8_lossy(&lint.stderr);
        prop_assert!(
            lint.status.code().is_some_and(|c| c <= 1) && !stderr.contains("corrupt"),
            "{stderr}"
        );
        let out = repo.home().join(format!("export-{}", accepted.get()));
        repo.chant(&["export", out.to_str().unwrap()]);
        if let Some(ready) = listed.iter().find(|s| s["ready"] == true) {
            let work = repo.chant_out(&["work", ready["id"].as_str().unwrap(), "--agent", "true"]);
            prop_assert!(
                work.status.success(),
                "{}",
                String::from_utf8_lossy(&work.stderr)
            );
            let id = ready["id"].as_str().unwrap();
            let path = repo.path.join(".git/chant/worktrees").join(id);
            repo.git(&["worktree", "remove", "--force", path.to_str().unwrap()]);
            repo.git(&["branch", "-D", &format!("chant/{id}")]);
        }
        repo.git(&["update-ref", "refs/chant/specs", &base_hex]);
        Ok(())
    });
    result.unwrap();
    let accepted = accepted.get();
    eprintln!("validator property: {accepted} of 64 random histories accepted");
    assert!(
        accepted >= 3,
        "too few accepted histories to say anything: {accepted}"
    );
}
