//! A group's partly busy agents (messaging, below their concurrency) ordered by (busy units,
//! agent), so that routing finds the least loaded one, the lowest-numbered among equals,
//! without looking at every agent of the group: a chat team of 2,000 spent four fifths of
//! its run in that scan. One hierarchical bitset per number of busy units; finding, adding
//! and removing an agent cost a few word operations per 64-fold of the group's size.

/// The most layers a set needs: 64^5 is past any group's size.
const MAX_LAYERS: usize = 5;

/// The partly busy agents of one group, by the capacity units each has in use: for each
/// number of units (1 to capacity - 1), a hierarchical bitset over the group's agents, with
/// insertion, removal and the least member in O(log64 agents) word operations and no
/// allocation after construction. Layer 0 has a bit per agent, each layer above a bit per
/// word of the layer below that is not zero, and the top layer is one word. All the sets
/// lie in one vector, `block_words` apart, so a group of up to 64 agents finds its least
/// loaded agent in one load and two bit scans.
#[derive(Debug, Clone, Default)]
pub struct PartialAgents {
    /// The group's first agent: members are kept as offsets from it.
    first_agent: u32,
    /// The sets, one block per number of busy units (block 0 unused).
    words: Vec<u64>,
    block_words: usize,
    /// `[layer]`: where the layer starts within a block; the last is the one-word top.
    layer_starts: [usize; MAX_LAYERS],
    n_layers: usize,
    /// Bit `u` is set while the set of agents with `u` units in use has members.
    occupied: u64,
}

impl PartialAgents {
    /// For a group of `n_agents` numbered from `first_agent`, each with `capacity_units`
    /// (at most 64, as validation allows); nobody is partly busy with one unit.
    pub fn new(first_agent: u32, n_agents: u32, capacity_units: u16) -> PartialAgents {
        debug_assert!(capacity_units <= 64, "concurrency is at most 64");
        let mut layer_starts = [0; MAX_LAYERS];
        let mut n_layers = 0;
        let mut block_words = 0;
        let mut words = (n_agents as usize).div_ceil(64).max(1);
        loop {
            layer_starts[n_layers] = block_words;
            n_layers += 1;
            block_words += words;
            if words == 1 {
                break;
            }
            words = words.div_ceil(64);
        }
        let blocks = if capacity_units > 1 {
            usize::from(capacity_units)
        } else {
            0
        };
        PartialAgents {
            first_agent,
            words: vec![0; blocks * block_words],
            block_words,
            layer_starts,
            n_layers,
            occupied: 0,
        }
    }

    /// Files `agent_idx`, which has `busy_units` in use (0 < busy_units < capacity).
    #[inline]
    pub fn insert(&mut self, agent_idx: u32, busy_units: u16) {
        let block = usize::from(busy_units) * self.block_words;
        let mut index = (agent_idx - self.first_agent) as usize;
        for &start in &self.layer_starts[..self.n_layers] {
            let word = &mut self.words[block + start + index / 64];
            let was_empty = *word == 0;
            *word |= 1 << (index % 64);
            if !was_empty {
                break;
            }
            index /= 64;
        }
        self.occupied |= 1 << busy_units;
    }

    /// Takes out `agent_idx`, filed with `busy_units`.
    #[inline]
    pub fn remove(&mut self, agent_idx: u32, busy_units: u16) {
        let block = usize::from(busy_units) * self.block_words;
        let mut index = (agent_idx - self.first_agent) as usize;
        for &start in &self.layer_starts[..self.n_layers] {
            let word = &mut self.words[block + start + index / 64];
            *word &= !(1 << (index % 64));
            if *word != 0 {
                return;
            }
            index /= 64;
        }
        // The top word is empty: so is the set.
        self.occupied &= !(1 << busy_units);
    }

    /// The agent with the fewest units in use, the lowest-numbered among equals, and its
    /// units in use.
    #[inline]
    pub fn least_loaded(&self) -> Option<(u16, u32)> {
        if self.occupied == 0 {
            return None;
        }
        let busy = self.occupied.trailing_zeros() as usize;
        let block = busy * self.block_words;
        let top = self.n_layers - 1;
        let mut index = self.words[block + self.layer_starts[top]].trailing_zeros() as usize;
        for &start in self.layer_starts[..top].iter().rev() {
            index = index * 64 + self.words[block + start + index].trailing_zeros() as usize;
        }
        Some((busy as u16, self.first_agent + index as u32))
    }

    /// Whether `agent_idx` is filed with `busy_units` (for the audit).
    pub fn holds(&self, agent_idx: u32, busy_units: u16) -> bool {
        let index = (agent_idx - self.first_agent) as usize;
        self.words
            .get(usize::from(busy_units) * self.block_words + index / 64)
            .is_some_and(|word| word & (1 << (index % 64)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use std::collections::BTreeSet;

    /// One group's agents with one unit in use against `BTreeSet`, through random
    /// filings and removals, at sizes that need one, two and three layers: the same least
    /// agent after every step.
    #[test]
    fn least_loaded_matches_an_ordered_set() {
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(7);
        for n_agents in [1u32, 5, 64, 65, 700, 4096, 4097, 300_000] {
            let first_agent = 1_000;
            let mut agents = PartialAgents::new(first_agent, n_agents, 2);
            let mut reference = BTreeSet::new();
            assert_eq!(agents.least_loaded(), None);
            for step in 0..20_000 {
                // Mostly near the low end, so the least member keeps changing.
                let offset = if step % 3 == 0 {
                    rng.random_range(0..n_agents)
                } else {
                    rng.random_range(0..n_agents.min(130))
                };
                let agent_idx = first_agent + offset;
                // Filed at most once, as the engine files agents.
                if reference.contains(&agent_idx) {
                    agents.remove(agent_idx, 1);
                    reference.remove(&agent_idx);
                } else {
                    agents.insert(agent_idx, 1);
                    reference.insert(agent_idx);
                }
                let expected = reference.first().map(|&agent_idx| (1, agent_idx));
                assert_eq!(agents.least_loaded(), expected, "{n_agents} agents");
                assert_eq!(agents.holds(agent_idx, 1), reference.contains(&agent_idx));
            }
            for agent_idx in reference.clone() {
                agents.remove(agent_idx, 1);
            }
            assert_eq!(agents.least_loaded(), None, "emptied, {n_agents} agents");
        }
    }

    /// Agents filed by busy units come out fewest units first, then lowest number, as the
    /// scan they replace chose.
    #[test]
    fn least_loaded_is_fewest_units_then_lowest_agent() {
        let mut agents = PartialAgents::new(100, 10, 4);
        assert_eq!(agents.least_loaded(), None);
        agents.insert(107, 2);
        agents.insert(103, 3);
        assert_eq!(agents.least_loaded(), Some((2, 107)));
        agents.insert(105, 2);
        assert_eq!(agents.least_loaded(), Some((2, 105)));
        agents.insert(109, 1);
        assert_eq!(agents.least_loaded(), Some((1, 109)));
        agents.remove(109, 1);
        agents.remove(105, 2);
        assert_eq!(agents.least_loaded(), Some((2, 107)));
        assert!(agents.holds(103, 3) && !agents.holds(103, 2));
        agents.remove(107, 2);
        assert_eq!(agents.least_loaded(), Some((3, 103)));
        agents.remove(103, 3);
        assert_eq!(agents.least_loaded(), None);
        // One contact at a time: nobody is ever partly busy.
        assert_eq!(PartialAgents::new(0, 5, 1).least_loaded(), None);
    }
}
