//! Reading the blobs of many specs at once (cold index, `search`, `lint`): on every core,
//! in the order the blobs sit in the packs.
//!
//! Order matters more than cores. A ledger's blobs are packed as delta chains (up to 50
//! deep), a base always before its deltas; gix caches each object it decodes, and stops
//! walking a chain at the first cached one. Read in pack order, each delta finds its base
//! cached and costs one inflate; read in tree order, it inflates much of its chain again.

use super::ledger::{Snapshot, SpecEntry};
use super::StoreError;

/// Applies `f` to the bytes of every entry, on every core: each thread opens its own handle
/// on the same git dir (gix built without its `parallel` feature shares nothing between
/// threads) and takes an equal run of the entries in pack order. Results keep the order of
/// `entries`.
pub fn read_all<T, F>(
    snapshot: &Snapshot<'_>,
    entries: &[SpecEntry],
    f: F,
) -> Result<Vec<T>, StoreError>
where
    T: Send,
    F: Fn(&SpecEntry, &[u8]) -> T + Sync,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let order = pack_order(snapshot.repo(), entries);
    if entries.len() < 256 || threads == 1 {
        let read = order
            .iter()
            .map(|&at| Ok((at, f(&entries[at], &snapshot.blob(entries[at].blob)?))))
            .collect::<Result<Vec<_>, StoreError>>()?;
        return in_entry_order(entries.len(), read);
    }
    let git_dir = snapshot.repo().git_dir().to_owned();
    let chunk = order.len().div_ceil(threads);
    let parts = std::thread::scope(|scope| {
        let workers: Vec<_> = order
            .chunks(chunk)
            .map(|positions| {
                let (git_dir, f) = (&git_dir, &f);
                scope.spawn(move || {
                    let mut repo = gix::open(git_dir).map_err(|err| StoreError::Corrupt {
                        what: format!("cannot reopen {}: {err}", git_dir.display()),
                    })?;
                    super::set_delta_cache(&mut repo);
                    positions
                        .iter()
                        .map(|&at| {
                            let e = &entries[at];
                            let blob =
                                repo.find_blob(e.blob).map_err(|err| StoreError::Corrupt {
                                    what: format!("blob {} of {} is missing: {err}", e.blob, e.id),
                                })?;
                            Ok((at, f(e, &blob.data)))
                        })
                        .collect::<Result<Vec<_>, StoreError>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker.join().map_err(|_| StoreError::Corrupt {
                    what: "a thread reading specs panicked".into(),
                })?
            })
            .collect::<Result<Vec<_>, StoreError>>()
    })?;
    in_entry_order(entries.len(), parts.into_iter().flatten().collect())
}

/// Results read in pack order, put back in the order of the entries.
fn in_entry_order<T>(len: usize, read: Vec<(usize, T)>) -> Result<Vec<T>, StoreError> {
    let mut slots: Vec<Option<T>> = std::iter::repeat_with(|| None).take(len).collect();
    for (at, value) in read {
        slots[at] = Some(value);
    }
    slots
        .into_iter()
        .map(|slot| {
            slot.ok_or_else(|| StoreError::Corrupt {
                what: "a spec was not read".into(),
            })
        })
        .collect()
}

/// The positions of `entries` sorted by where their blobs sit: pack, then offset in it
/// (looked up in the packs' `.idx` files); loose or unknown objects last.
fn pack_order(repo: &gix::Repository, entries: &[SpecEntry]) -> Vec<usize> {
    let dir = repo.common_dir().join("objects").join("pack");
    let indices: Vec<gix::odb::pack::index::File> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "idx"))
        .filter_map(|p| gix::odb::pack::index::File::at(p, repo.object_hash()).ok())
        .collect();
    let mut keyed: Vec<(usize, u64, usize)> = entries
        .iter()
        .enumerate()
        .map(|(at, e)| {
            indices
                .iter()
                .enumerate()
                .find_map(|(pack, idx)| {
                    idx.lookup(e.blob)
                        .map(|n| (pack, idx.pack_offset_at_index(n), at))
                })
                .unwrap_or((usize::MAX, 0, at))
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, _, at)| at).collect()
}
