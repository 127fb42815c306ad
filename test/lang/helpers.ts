/** Shared test helpers for the language front end. */

/** A deep copy without source locations, for comparing trees "modulo locations". */
export function stripLocations<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (key, v) =>
      key === 'loc' || key === 'bodyLoc' || key === 'comments' ? undefined : v,
    ),
  );
}

/** The texts of every comment, in order, trailing blanks aside. */
export function commentTexts(comments: ReadonlyArray<{ text: string }>): string[] {
  return comments.map((c) => c.text.trimEnd());
}
