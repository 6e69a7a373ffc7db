package dev.steadysocket.android;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks code that calls framework APIs above minSdk 26 and is reached only behind a {@code
 * Build.VERSION.SDK_INT} check for {@link #value()}. animal-sniffer (pom.xml) skips what it marks,
 * so keep each marked method to the guarded call.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.TYPE})
@interface RequiresApi {
  int value();
}
