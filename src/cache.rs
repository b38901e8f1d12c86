//! A map with a bound on its size, for what a run reads once per directory (config discovery,
//! build contexts). Files are linted in path order, so a directory's entries are wanted again
//! soon or never; the least recently used half is dropped when the map is full, which keeps
//! memory flat on trees of any size and keeps the directories near the root that every file
//! asks about.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

/// Entries kept per cache: far more directories than a window of files spans, a few hundred
/// kilobytes at most.
pub const DEFAULT_CAPACITY: usize = 1024;

pub struct BoundedCache<K, V> {
    entries: HashMap<K, (V, u64)>,
    capacity: usize,
    /// Ticks on every lookup and insert; an entry's stamp says when it was last used.
    clock: u64,
}

impl<K: Hash + Eq, V> BoundedCache<K, V> {
    pub fn new(capacity: usize) -> BoundedCache<K, V> {
        BoundedCache {
            entries: HashMap::new(),
            capacity: capacity.max(2),
            clock: 0,
        }
    }

    pub fn get<Q>(&mut self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.clock += 1;
        let clock = self.clock;
        self.entries.get_mut(key).map(|(value, stamp)| {
            *stamp = clock;
            &*value
        })
    }

    /// Adds or replaces an entry; when the map is full, first drops the least recently used
    /// half (a pass over the map every `capacity / 2` inserts: constant time per insert).
    pub fn insert(&mut self, key: K, value: V) {
        if self.entries.len() >= self.capacity && !self.entries.contains_key(&key) {
            self.evict_older_half();
        }
        self.clock += 1;
        self.entries.insert(key, (value, self.clock));
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn evict_older_half(&mut self) {
        let mut stamps: Vec<u64> = self.entries.values().map(|(_, stamp)| *stamp).collect();
        let middle = stamps.len() / 2;
        let (_, cutoff, _) = stamps.select_nth_unstable(middle);
        let cutoff = *cutoff;
        // Stamps are unique, so this keeps exactly the newer half.
        self.entries.retain(|_, (_, stamp)| *stamp >= cutoff);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_within_its_capacity() {
        let mut cache = BoundedCache::new(8);
        for n in 0..1000 {
            cache.insert(n, n * 2);
            assert!(cache.len() <= 8, "{} entries after {n}", cache.len());
        }
        assert_eq!(cache.get(&999), Some(&1998));
        assert_eq!(cache.get(&0), None, "the oldest entries are dropped");
    }

    #[test]
    fn keeps_what_was_used_recently() {
        let mut cache = BoundedCache::new(4);
        cache.insert("root".to_string(), 1);
        for n in 0..100 {
            // The root is asked for by every file, so it survives every eviction.
            assert_eq!(cache.get("root"), Some(&1), "root lost before insert {n}");
            cache.insert(format!("dir{n}"), n);
        }
        assert!(cache.get("dir0").is_none());
        assert_eq!(cache.get("dir99"), Some(&99));
    }

    #[test]
    fn replacing_a_key_in_a_full_cache_evicts_nothing() {
        let mut cache = BoundedCache::new(2);
        cache.insert(1, "a");
        cache.insert(2, "b");
        cache.insert(2, "c");
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get(&1), Some(&"a"));
        assert_eq!(cache.get(&2), Some(&"c"));
    }
}
