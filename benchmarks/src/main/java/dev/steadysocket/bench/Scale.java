package dev.steadysocket.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Figure 5: 10,000 open sockets to one host from one JVM. The server ({@link
 * dev.steadysocket.bench.server.HoldServer}) and each client ({@link ScaleClient}) run in
 * processes of their own: one process could not hold both ends of 10,000 sockets under a 20,000
 * open-file limit, and a fresh client JVM's heap holds nothing but the sockets.
 */
public final class Scale {
  private Scale() {}

  public static void run(Results results, Config config) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    String cp = System.getProperty("java.class.path");
    Process server = new ProcessBuilder(java, "-cp", cp, "dev.steadysocket.bench.server.HoldServer")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader serverOut = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    Writer serverIn = new OutputStreamWriter(server.getOutputStream(), StandardCharsets.UTF_8);
    try {
      String portLine = serverOut.readLine();
      int port = Integer.parseInt(portLine.substring("PORT ".length()));
      Map<String, Object> sec = results.section("scale");
      sec.put("server", "HoldServer (NIO, one selector thread) in its own JVM");
      // Raw OkHttp for context; the quick run skips it (10,000 handshakes take minutes here).
      for (String impl : config.quick ? List.of("steadysocket") : List.of("steadysocket", "okhttp")) {
        Map<String, Object> r = client(java, cp, impl, config.scaleSockets, port, serverIn, serverOut);
        sec.put(impl, r);
        if (r.get("heap_per_socket_kib") instanceof Number h) {
          results.row("scale", impl, "heap per open socket", "KiB", h.doubleValue());
          results.row("scale", impl, "threads per open socket", "threads", ((Number) r.get("threads_per_socket")).doubleValue());
          results.row("scale", impl, "open sockets", "sockets", ((Number) r.get("open")).doubleValue());
        }
        Loopback.log("scale %s: %s", impl, r);
        Thread.sleep(2000);
      }
    } finally {
      try {
        serverIn.write("quit\n");
        serverIn.flush();
      } catch (Exception ignored) {
        // already gone
      }
      if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly();
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> client(String java, String cp, String impl, int n, int port,
      Writer serverIn, BufferedReader serverOut) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", cp, "dev.steadysocket.bench.ScaleClient", impl, "" + n, "" + port));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
    String line;
    int serverCount = -1;
    Map<String, Object> result = null;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("READY")) {
        serverIn.write("count\n");
        serverIn.flush();
        String c = serverOut.readLine();
        serverCount = Integer.parseInt(c.substring("OPEN ".length()));
        in.write("close\n");
        in.flush();
      } else if (line.startsWith("RESULT ")) {
        result = new ObjectMapper().readValue(line.substring(7), Map.class);
      }
    }
    p.waitFor(60, TimeUnit.SECONDS);
    if (result == null) throw new IllegalStateException("scale client " + impl + " printed no result");
    result.put("server_side_open", serverCount);
    result.put("command", "java -cp benchmarks/target/benchmarks.jar dev.steadysocket.bench.ScaleClient " + impl + " " + n + " PORT");
    return result;
  }
}
