/**
 * One configuration per role; {@link io.chis.runtime.ChisRuntime} registers those of the roles in {@code CHIS_ROLES}.
 * They are left out of component scanning, so a role's beans exist only in a process that runs it.
 */
package io.chis.runtime.roles;
