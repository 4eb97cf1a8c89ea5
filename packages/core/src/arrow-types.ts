import { DataType, Dictionary, Field, FixedSizeList, LargeList, List, Map_, Struct, type Data } from "apache-arrow";

/*
 * Every dictionary in one Arrow schema needs its own id (apache-arrow refuses a schema with two dictionaries under
 * one id, and IPC writers match dictionaries to columns by id). Ids come from a per-thread counter, or from the IPC
 * stream a batch was read from, so columns made in different places can collide: an input read from Arrow IPC and
 * the annotation columns added to it, or annotation columns built in different pool workers.
 */

/** Ids of every dictionary in the fields, nested ones included. */
export function dictionaryIds(fields: readonly Field[]): Set<number> {
  const ids = new Set<number>();
  const visit = (type: DataType): void => {
    if (DataType.isDictionary(type)) ids.add(type.id);
    for (const child of childFields(type)) visit(child.type);
  };
  for (const field of fields) visit(field.type);
  return ids;
}

/** `type` if none of its dictionary ids is `taken`, else a copy with fresh ones; either way its ids join `taken`. */
export function withDistinctDictionaryIds<T extends DataType>(type: T, taken: Set<number>): T {
  const own = dictionaryIds([new Field("", type)]);
  if ([...own].some((id) => taken.has(id))) return withFreshDictionaryIds(type, taken);
  for (const id of own) taken.add(id);
  return type;
}

/** A copy of `type` whose every nested dictionary has a new id outside `taken` (the new ids are added to it). */
export function withFreshDictionaryIds<T extends DataType>(type: T, taken: Set<number> = new Set()): T {
  if (!DataType.isDictionary(type) && !childFields(type).some((f) => dictionaryIds([f]).size > 0)) return type;
  const field = (f: Field) => new Field(f.name, withFreshDictionaryIds(f.type, taken), f.nullable, f.metadata);
  const fresh = (): DataType => {
    if (DataType.isDictionary(type)) {
      // The id counter only grows, so this ends after at most |taken| + 1 tries.
      let dictionary: Dictionary;
      do dictionary = new Dictionary(type.dictionary, type.indices, null, type.isOrdered);
      while (taken.has(dictionary.id));
      taken.add(dictionary.id);
      return dictionary;
    }
    if (DataType.isStruct(type)) return new Struct(type.children.map(field));
    if (DataType.isList(type)) return new List(field(type.children[0]!));
    if (DataType.isLargeList(type)) return new LargeList(field(type.children[0]!));
    if (DataType.isFixedSizeList(type)) return new FixedSizeList(type.listSize, field(type.children[0]!));
    if (DataType.isMap(type)) return new Map_(field(type.children[0]!), type.keysSorted);
    throw new TypeError(`cannot renumber the dictionaries inside ${type}`);
  };
  return fresh() as T;
}

function childFields(type: DataType): readonly Field[] {
  // A Dictionary's `children` are its values' children; its values are never dictionaries here.
  if (DataType.isDictionary(type)) return [];
  return (type as { children?: Field[] }).children ?? [];
}

/** The same buffers under `type`, a structurally identical type (children retyped to match, recursively). */
export function retype<T extends DataType>(data: Data, type: T): Data<T> {
  if (data.type === type) return data as Data<T>;
  if (data.type.typeId !== type.typeId) throw new TypeError(`cannot read ${data.type} data as ${type}`);
  const childTypes = childFields(type);
  const children = data.children.map((child, i) => retype(child, childTypes[i]!.type));
  return data.clone(type, data.offset, data.length, data.nullCount, undefined, children);
}
