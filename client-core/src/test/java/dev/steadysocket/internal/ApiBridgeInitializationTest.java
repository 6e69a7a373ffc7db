package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/**
 * {@link Api#get()} in a JVM where nothing of the public package has been initialized yet: the
 * bridge must be installed by that package's own initialization. In this test JVM the public
 * package is long initialized, so the check runs in a fresh class loader over the library's
 * classes, where every class starts uninitialized.
 */
// #16 part 2: the install call runs once per class loader, so only a fresh loader can see it go wrong.
class ApiBridgeInitializationTest {

  @Test
  void theBridgeIsInstalledWhenInternalCodeAsksForItFirst() throws Exception {
    URL classes = Api.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader fresh = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
      Class<?> api = Class.forName(Api.class.getName(), true, fresh);
      assertNotSame(Api.class, api, "a copy of the class, uninitialized");

      Object bridge = api.getMethod("get").invoke(null);

      assertNotNull(bridge);
      assertEquals("dev.steadysocket.ApiBridge", bridge.getClass().getName());
      assertSame(fresh, bridge.getClass().getClassLoader());
      assertSame(bridge, api.getMethod("get").invoke(null), "installed once");
    }
  }
}
