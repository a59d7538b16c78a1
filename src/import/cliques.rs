//! Partitioning the edges of an undirected graph into cliques, largest first: how the importer
//! turns pairwise ATOP ties back into multilateral alliances.

/// A set of vertices `0..n` as bits.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Bits(Vec<u64>);

impl Bits {
    fn empty(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }

    fn insert(&mut self, v: usize) {
        self.0[v / 64] |= 1 << (v % 64);
    }

    fn remove(&mut self, v: usize) {
        self.0[v / 64] &= !(1 << (v % 64));
    }

    fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }

    fn and(&self, other: &Bits) -> Bits {
        Bits(self.0.iter().zip(&other.0).map(|(a, b)| a & b).collect())
    }

    fn and_not(&self, other: &Bits) -> Bits {
        Bits(self.0.iter().zip(&other.0).map(|(a, b)| a & !b).collect())
    }

    fn count_and(&self, other: &Bits) -> usize {
        self.0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum()
    }

    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(i, &word)| {
            (0..64)
                .filter(move |b| word >> b & 1 == 1)
                .map(move |b| i * 64 + b)
        })
    }
}

/// Splits the edges of the graph on `0..n` into edge-disjoint cliques: repeatedly the largest
/// clique of the edges not yet taken, ties broken by the smallest sorted list of vertices, until
/// every edge is in exactly one clique. Each clique is returned sorted; the list is in the order
/// the cliques were taken (so by size, descending). Deterministic for a given set of edges,
/// whatever their order.
pub fn partition(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut adjacency = vec![Bits::empty(n); n];
    for &(a, b) in edges {
        assert!(a != b && a < n && b < n, "edge ({a}, {b}) outside 0..{n}");
        adjacency[a].insert(b);
        adjacency[b].insert(a);
    }
    let mut cliques = Vec::new();
    loop {
        let mut active = Bits::empty(n);
        for (v, neighbours) in adjacency.iter().enumerate() {
            if !neighbours.is_empty() {
                active.insert(v);
            }
        }
        if active.is_empty() {
            return cliques;
        }
        let mut search = Search {
            adjacency: &adjacency,
            best: Vec::new(),
        };
        search.expand(&mut Vec::new(), active, Bits::empty(n));
        let clique = search.best;
        for &a in &clique {
            for &b in &clique {
                adjacency[a].remove(b);
            }
        }
        cliques.push(clique);
    }
}

/// Bron–Kerbosch with pivoting, keeping the largest clique (smallest vertex list among equals).
struct Search<'a> {
    adjacency: &'a [Bits],
    best: Vec<usize>,
}

impl Search<'_> {
    fn expand(&mut self, clique: &mut Vec<usize>, mut candidates: Bits, mut excluded: Bits) {
        if candidates.is_empty() {
            if excluded.is_empty() && self.better(clique) {
                self.best.clone_from(clique);
                self.best.sort_unstable();
            }
            return;
        }
        // No clique through here can beat the best one found.
        if clique.len() + candidates.len() < self.best.len() {
            return;
        }
        let pivot = candidates
            .iter()
            .chain(excluded.iter())
            .max_by_key(|&u| {
                (
                    candidates.count_and(&self.adjacency[u]),
                    std::cmp::Reverse(u),
                )
            })
            .expect("candidates is not empty");
        let branches: Vec<usize> = candidates.and_not(&self.adjacency[pivot]).iter().collect();
        for v in branches {
            clique.push(v);
            self.expand(
                clique,
                candidates.and(&self.adjacency[v]),
                excluded.and(&self.adjacency[v]),
            );
            clique.pop();
            candidates.remove(v);
            excluded.insert(v);
        }
    }

    fn better(&self, clique: &[usize]) -> bool {
        if clique.len() != self.best.len() {
            return clique.len() > self.best.len();
        }
        let mut sorted = clique.to_vec();
        sorted.sort_unstable();
        sorted < self.best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete(vertices: &[usize]) -> Vec<(usize, usize)> {
        let mut edges = Vec::new();
        for (i, &a) in vertices.iter().enumerate() {
            for &b in &vertices[i + 1..] {
                edges.push((a, b));
            }
        }
        edges
    }

    #[test]
    fn overlapping_blocs_come_back_whole_with_the_rest_as_pairs() {
        // Two blocs sharing vertex 0 (like the United States in NATO and the Rio pact), a pair
        // bridging them, and an isolated pair.
        let mut edges = complete(&[0, 1, 2, 3, 4]);
        edges.extend(complete(&[0, 5, 6, 7]));
        edges.extend([(4, 5), (8, 9)]);
        let cliques = partition(10, &edges);
        assert_eq!(
            cliques,
            [
                vec![0, 1, 2, 3, 4],
                vec![0, 5, 6, 7],
                vec![4, 5],
                vec![8, 9]
            ]
        );
    }

    #[test]
    fn every_edge_lands_in_exactly_one_clique_whatever_the_order() {
        // A graph with many overlapping triangles.
        let mut edges = Vec::new();
        for a in 0..12 {
            for b in (a + 1)..12 {
                if (a * 7 + b * 3) % 5 < 3 {
                    edges.push((a, b));
                }
            }
        }
        let cliques = partition(12, &edges);
        let mut covered: Vec<(usize, usize)> = cliques.iter().flat_map(|c| complete(c)).collect();
        covered.sort_unstable();
        let mut expected = edges.clone();
        expected.sort_unstable();
        assert_eq!(covered, expected);
        assert!(cliques.windows(2).all(|w| w[0].len() >= w[1].len()));
        edges.reverse();
        let flipped: Vec<(usize, usize)> = edges.iter().map(|&(a, b)| (b, a)).collect();
        assert_eq!(partition(12, &flipped), cliques);
    }
}
