package dev.steadysocket.conformance;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Autobahn's UTF-8 test sequences (case6_x_x.py's createUtf8TestSequences, after Markus Kuhn's
 * UTF-8-test.txt), category by category, each sequence with its validity as Autobahn states it.
 * Non-characters (U+FFFE, U+FFFF, U+10FFFF, …) are valid UTF-8 and must be echoed.
 *
 * <p>Immutable; any thread.
 */
final class Utf8Vectors {
  private Utf8Vectors() {}

  static final class Vector {
    final boolean valid;
    final byte[] bytes;

    Vector(boolean valid, byte[] bytes) {
      this.valid = valid;
      this.bytes = bytes;
    }
  }

  static final class Category {
    final String name;
    final List<Vector> vectors = new ArrayList<>();

    Category(String name) {
      this.name = name;
    }

    Category add(boolean valid, String hex) {
      vectors.add(new Vector(valid, Frames.unhex(hex)));
      return this;
    }
  }

  static final String KOSME = "cebae1bdb9cf83cebcceb5";

  static List<Category> categories() {
    List<Category> all = new ArrayList<>();
    all.add(new Category("Some valid UTF-8 sequences").add(true, "68656c6c6f24776f726c64")
        .add(true, "68656c6c6fc2a2776f726c64").add(true, "68656c6c6fe282ac776f726c64")
        .add(true, "68656c6c6ff0a4ada2776f726c64").add(true, KOSME));
    Category prefixes = new Category("All prefixes of a valid UTF-8 string that contains multi-byte code points");
    byte[] kosme = Frames.unhex(KOSME);
    for (int i = 1; i <= kosme.length; i++) {
      byte[] prefix = Frames.slice(kosme, 0, i);
      prefixes.vectors.add(new Vector(strictlyValid(prefix), prefix));
    }
    all.add(prefixes);
    all.add(new Category("First possible sequence of a certain length").add(true, "00").add(true, "c280")
        .add(true, "e0a080").add(true, "f0908080"));
    all.add(new Category("First possible sequence length 5/6 (invalid codepoints)").add(false, "f888808080")
        .add(false, "fc8480808080"));
    all.add(new Category("Last possible sequence of a certain length").add(true, "7f").add(true, "dfbf")
        .add(true, "efbfbf").add(true, "f48fbfbf"));
    all.add(new Category("Last possible sequence length 4/5/6 (invalid codepoints)").add(false, "f7bfbfbf")
        .add(false, "fbbfbfbfbf").add(false, "fdbfbfbfbfbf"));
    all.add(new Category("Other boundary conditions").add(true, "ed9fbf").add(true, "ee8080").add(true, "efbfbd")
        .add(true, "f48fbfbf").add(false, "f4908080"));
    Category continuation = new Category("Unexpected continuation bytes").add(false, "80").add(false, "bf")
        .add(false, "80bf").add(false, "80bf80").add(false, "80bf80bf").add(false, "80bf80bf80").add(false, "80bf80bf80bf");
    StringBuilder s = new StringBuilder();
    for (int i = 0x80; i < 0xbf; i++) s.append(String.format("%02x", i));
    all.add(continuation.add(false, s.toString()));
    Category lonely = new Category("Lonely start characters");
    int[][] ranges = {{0xc0, 0xdf}, {0xe0, 0xef}, {0xf0, 0xf7}, {0xf8, 0xfb}, {0xfc, 0xfd}};
    for (int[] r : ranges) {
      StringBuilder l = new StringBuilder();
      for (int i = r[0]; i < r[1]; i++) l.append(String.format("%02x20", i));
      lonely.add(false, l.toString());
    }
    all.add(lonely);
    String[] missing = {"c0", "e080", "f08080", "f8808080", "fc80808080", "df", "efbf", "f7bfbf", "fbbfbfbf", "fdbfbfbfbf"};
    Category last = new Category("Sequences with last continuation byte missing");
    for (String m : missing) last.add(false, m);
    all.add(last);
    all.add(new Category("Concatenation of incomplete sequences").add(false, String.join("", missing)));
    all.add(new Category("Impossible bytes").add(false, "fe").add(false, "ff").add(false, "fefeffff"));
    all.add(new Category("Examples of an overlong ASCII character").add(false, "c0af").add(false, "e080af")
        .add(false, "f08080af").add(false, "f8808080af").add(false, "fc80808080af"));
    all.add(new Category("Maximum overlong sequences").add(false, "c1bf").add(false, "e09fbf").add(false, "f08fbfbf")
        .add(false, "f887bfbfbf").add(false, "fc83bfbfbfbf"));
    all.add(new Category("Overlong representation of the NUL character").add(false, "c080").add(false, "e08080")
        .add(false, "f0808080").add(false, "f880808080").add(false, "fc8080808080"));
    all.add(new Category("Single UTF-16 surrogates").add(false, "eda080").add(false, "edadbf").add(false, "edae80")
        .add(false, "edafbf").add(false, "edb080").add(false, "edbe80").add(false, "edbfbf"));
    Category paired = new Category("Paired UTF-16 surrogates");
    for (String p : new String[] {"eda080edb080", "eda080edbfbf", "edadbfedb080", "edadbfedbfbf", "edae80edb080",
        "edae80edbfbf", "edafbfedb080", "edafbfedbfbf"}) {
      paired.add(false, p);
    }
    all.add(paired);
    Category nonChars = new Category("Non-character code points (valid UTF-8)").add(true, "efbfbe").add(true, "efbfbf");
    for (String z1 : new String[] {"f0", "f1", "f2", "f3", "f4"}) {
      for (String z2 : new String[] {"8f", "9f", "af", "bf"}) {
        if (z1.equals("f4") && !z2.equals("8f")) continue; // above U+10FFFF
        for (String z3 : new String[] {"be", "bf"}) {
          String zz = z1 + z2 + "bf" + z3;
          if (!zz.equals("f08fbfbe") && !zz.equals("f08fbfbf")) nonChars.add(true, zz); // not the overlong ones
        }
      }
    }
    all.add(nonChars);
    all.add(new Category("Unicode specials (i.e. replacement char)").add(true, "efbfb9").add(true, "efbfba")
        .add(true, "efbfbb").add(true, "efbfbc").add(true, "efbfbd").add(true, "efbfbe").add(true, "efbfbf"));
    return all;
  }

  /** Whether the bytes are complete, strict UTF-8 (the JDK's decoder, reporting every error). */
  static boolean strictlyValid(byte[] b) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
