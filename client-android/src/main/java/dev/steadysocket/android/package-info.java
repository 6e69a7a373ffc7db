/**
 * Android adapters for SteadySocket: listener callbacks on the main thread, and network, app
 * lifecycle and Doze signals fed to the socket's platform hooks.
 *
 * <p>Start at {@link dev.steadysocket.android.AndroidSteadySocket}. Framework APIs only (no
 * AndroidX); minSdk 26. Parameters and return values are non-null unless annotated
 * {@code @Nullable}.
 */
@NullMarked
package dev.steadysocket.android;

import org.jspecify.annotations.NullMarked;
