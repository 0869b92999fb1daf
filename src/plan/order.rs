//! Ordering steps: a topological order by dependencies, and its depth (the longest chain), which
//! bounds an apply's sequential waits.

use std::collections::BTreeMap;

/// Topological levels of a graph given as `deps[i]` = the nodes `i` waits for. `Err` names a
/// node on a cycle.
pub fn levels(deps: &[Vec<usize>]) -> Result<Vec<Vec<usize>>, usize> {
    let n = deps.len();
    let mut remaining: Vec<usize> = deps.iter().map(Vec::len).collect();
    let mut dependents: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, ds) in deps.iter().enumerate() {
        for &d in ds {
            dependents.entry(d).or_default().push(i);
        }
    }
    let mut current: Vec<usize> = (0..n).filter(|&i| remaining[i] == 0).collect();
    let mut out = Vec::new();
    let mut placed = 0;
    while !current.is_empty() {
        placed += current.len();
        let mut next = Vec::new();
        for &i in &current {
            for &j in dependents.get(&i).map(Vec::as_slice).unwrap_or(&[]) {
                remaining[j] -= 1;
                if remaining[j] == 0 {
                    next.push(j);
                }
            }
        }
        next.sort_unstable();
        out.push(std::mem::take(&mut current));
        current = next;
    }
    if placed < n {
        return Err((0..n).find(|&i| remaining[i] > 0).unwrap_or(0));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn diamond() {
        let deps = vec![vec![], vec![0], vec![0], vec![1, 2]];
        assert_eq!(levels(&deps), Ok(vec![vec![0], vec![1, 2], vec![3]]));
    }

    #[test]
    fn cycle_is_reported() {
        assert!(levels(&[vec![1], vec![0]]).is_err());
    }

    proptest! {
        /// Every node lands in a level after all of its dependencies.
        #[test]
        fn levels_respect_dependencies(edges in proptest::collection::vec((0usize..30, 0usize..30), 0..80)) {
            let n = 30;
            let mut deps = vec![Vec::new(); n];
            for (a, b) in edges {
                // Only edges to lower-numbered nodes: a DAG.
                if a > b && !deps[a].contains(&b) {
                    deps[a].push(b);
                }
            }
            let lv = levels(&deps).expect("a DAG has levels");
            let mut at = vec![0; n];
            for (l, nodes) in lv.iter().enumerate() {
                for &i in nodes { at[i] = l; }
            }
            prop_assert_eq!(lv.iter().map(Vec::len).sum::<usize>(), n);
            for (i, ds) in deps.iter().enumerate() {
                for &d in ds { prop_assert!(at[d] < at[i]); }
            }
        }
    }
}
