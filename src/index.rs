//! Index newtypes: an actor's, a conflict's or an obligation's position in its list, as a type of
//! its own so that one kind of index cannot be passed where another is expected.

/// Declares an index newtype over `usize`: `new`/`index` convert, any slice (or `Vec`) is indexed
/// by it, and it is written (Display, serde) as the bare number.
#[macro_export]
#[doc(hidden)]
macro_rules! index_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(usize);

        impl $name {
            /// The index at position `index`.
            pub const fn new(index: usize) -> Self {
                $name(index)
            }

            /// Its position.
            pub const fn index(self) -> usize {
                self.0
            }

            /// Every index below `len`, in order.
            pub fn all(len: usize) -> impl DoubleEndedIterator<Item = Self> + ExactSizeIterator {
                (0..len).map($name)
            }
        }

        impl From<usize> for $name {
            fn from(index: usize) -> Self {
                $name(index)
            }
        }

        impl From<$name> for usize {
            fn from(ix: $name) -> usize {
                ix.0
            }
        }

        impl<T> std::ops::Index<$name> for [T] {
            type Output = T;
            fn index(&self, ix: $name) -> &T {
                &self[ix.0]
            }
        }

        impl<T> std::ops::IndexMut<$name> for [T] {
            fn index_mut(&mut self, ix: $name) -> &mut T {
                &mut self[ix.0]
            }
        }

        impl<T> std::ops::Index<$name> for Vec<T> {
            type Output = T;
            fn index(&self, ix: $name) -> &T {
                &self[ix.0]
            }
        }

        impl<T> std::ops::IndexMut<$name> for Vec<T> {
            fn index_mut(&mut self, ix: $name) -> &mut T {
                &mut self[ix.0]
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_u64(self.0 as u64)
            }
        }
    };
}

/// The entry at `ix` of a table that grows as indices are made, extended with defaults.
pub(crate) fn slot<T: Default>(table: &mut Vec<T>, ix: impl Into<usize>) -> &mut T {
    let ix = ix.into();
    if table.len() <= ix {
        table.resize_with(ix + 1, T::default);
    }
    &mut table[ix]
}

#[cfg(test)]
mod tests {
    use super::slot;
    use crate::engine::{ActorIx, Side};

    #[test]
    fn indices_index_and_write_as_numbers() {
        let ids = vec!["RUS", "PRK", "CHN"];
        let prk = ActorIx::new(1);
        assert_eq!(ids[prk], "PRK");
        assert_eq!(prk.to_string(), "1");
        assert_eq!(serde_json::to_string(&prk).unwrap(), "1");
        assert_eq!(ActorIx::all(3).map(|a| ids[a]).collect::<Vec<_>>(), ids);
        assert_eq!(prk.pair(ActorIx::new(2), 3), 5);
    }

    #[test]
    fn a_slot_grows_its_table_with_defaults() {
        let mut table: Vec<Vec<u8>> = Vec::new();
        slot(&mut table, ActorIx::new(2)).push(7);
        assert_eq!(table, [vec![], vec![], vec![7]]);
        slot(&mut table, ActorIx::new(0)).push(1);
        assert_eq!(table.len(), 3);
    }

    #[test]
    fn sides_face_each_other() {
        assert_eq!(Side::A.other(), Side::B);
        assert_eq!(Side::B.other().other(), Side::B);
        let per_side = ["opened", "attacked"];
        assert_eq!(Side::BOTH.map(|s| per_side[s]), per_side);
        assert_eq!(serde_json::to_string(&Side::B).unwrap(), "1");
    }
}
