package dev.steadysocket.internal;

/** UTF-8 sizes without encoding. */
public final class Utf8 {
  private Utf8() {}

  /** The number of bytes {@code s} takes in UTF-8 (unpaired surrogates count as '?', one byte). */
  public static long size(String s) {
    int n = s.length();
    int i = 0;
    // The ASCII prefix first, one compare per char: JSON frames are mostly or wholly ASCII and this
    // runs on every frame sent and received.
    while (i < n && s.charAt(i) < 0x80) i++;
    long size = i;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        size++;
      } else if (c < 0x800) {
        size += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        size += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        size++;
      } else {
        size += 3;
      }
    }
    return size;
  }
}
