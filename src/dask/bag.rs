//! `dask.bag`: a collection cut into partitions, one task per partition.

use super::{Client, Delayed, Graph};
use crate::{Error, Result};

/// A sequence split into `npartitions` partitions; [`map`](Bag::map) adds one task per
/// partition (not per item), which is how partitioning removes the per-task overhead that
/// [`Client::map`] shows.
///
/// # Examples
///
/// ```
/// use parlab::dask::{Bag, Client};
/// use parlab::tasks::random_square;
///
/// let client = Client::new(2)?;
/// let bag = Bag::from_sequence(0..1_000_000u32, 2)?.map(random_square);
/// assert_eq!(bag.npartitions(), 2);
/// let squares = bag.compute(&client)?;
/// assert_eq!(&squares[..5], [25, 25, 64, 64, 49]);
/// assert_eq!(&squares[squares.len() - 5..], [81, 36, 1, 1, 1]);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Bag<T> {
    graph: Graph,
    parts: Vec<Delayed<Vec<T>>>,
}

impl<T: Clone + Send + Sync + 'static> Bag<T> {
    /// `db.from_sequence(items, npartitions=...)`: contiguous partitions whose sizes differ by
    /// at most one (fewer partitions when there are fewer items).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when `npartitions == 0`.
    pub fn from_sequence(items: impl IntoIterator<Item = T>, npartitions: usize) -> Result<Self> {
        if npartitions == 0 {
            return Err(Error::invalid(
                "npartitions",
                "a bag needs at least 1 partition",
            ));
        }
        let mut items: Vec<T> = items.into_iter().collect();
        let graph = Graph::new();
        let lengths: Vec<usize> =
            crate::backends::chunk_lengths(items.len(), npartitions.min(items.len().max(1)))
                .collect();
        let mut parts = Vec::with_capacity(lengths.len());
        for len in lengths.into_iter().rev() {
            let part = items.split_off(items.len() - len);
            parts.push(graph.value(part));
        }
        parts.reverse();
        Ok(Bag { graph, parts })
    }

    /// Number of partitions.
    pub fn npartitions(&self) -> usize {
        self.parts.len()
    }

    /// The partitions as delayed values (`bag.to_delayed()`).
    pub fn to_delayed(&self) -> &[Delayed<Vec<T>>] {
        &self.parts
    }

    /// Applies `f` to every item (a clone of it: `f` takes its input by value, as the
    /// module's functions do): one new task per partition.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::dask::{Bag, Client};
    ///
    /// let bag = Bag::from_sequence(1..=4u64, 2)?.map(|x: u64| x * 10);
    /// assert_eq!(bag.compute(&Client::new(2)?)?, [10, 20, 30, 40]);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn map<R, F>(&self, f: F) -> Bag<R>
    where
        R: Clone + Send + Sync + 'static,
        F: Fn(T) -> R + Clone + Send + Sync + 'static,
    {
        let parts = self
            .parts
            .iter()
            .map(|p| {
                let f = f.clone();
                self.graph.delayed1(
                    move |part: &Vec<T>| part.iter().cloned().map(&f).collect::<Vec<R>>(),
                    p,
                )
            })
            .collect();
        Bag {
            graph: self.graph.clone(),
            parts,
        }
    }

    /// Computes every partition with the client's workers and concatenates them in order.
    ///
    /// # Errors
    ///
    /// [`Error::TaskFailed`] when a task panicked.
    pub fn compute(&self, client: &Client) -> Result<Vec<T>> {
        let all = self.graph.reduce(
            |parts: &[&Vec<T>]| {
                parts
                    .iter()
                    .flat_map(|p| p.iter().cloned())
                    .collect::<Vec<T>>()
            },
            &self.parts,
        );
        all.compute(client)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn partitions_are_contiguous_and_balanced() {
        let bag = Bag::from_sequence(0..10u32, 3).unwrap();
        assert_eq!(bag.npartitions(), 3);
        let client = Client::new(2).unwrap();
        let parts: Vec<Vec<u32>> = bag
            .to_delayed()
            .iter()
            .map(|p| p.compute(&client).unwrap())
            .collect();
        assert_eq!(parts, [vec![0, 1, 2, 3], vec![4, 5, 6], vec![7, 8, 9]]);
        assert!(Bag::from_sequence(0..3u32, 0).is_err());
        assert_eq!(Bag::from_sequence(0..2u32, 8).unwrap().npartitions(), 2);
        assert!(Bag::<u32>::from_sequence(None, 2)
            .unwrap()
            .compute(&client)
            .unwrap()
            .is_empty());
    }
}
