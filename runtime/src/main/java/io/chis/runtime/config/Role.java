package io.chis.runtime.config;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The four runtime roles of one Chis jar; {@code all} runs them together. */
public enum Role {
    API, DELIVERY, WORKER, SCHEDULER;

    /** Parses {@code CHIS_ROLES}: a comma list of role names, or {@code all}. */
    public static Set<Role> parse(String value) {
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("all")) {
            return EnumSet.allOf(Role.class);
        }
        EnumSet<Role> roles = EnumSet.noneOf(Role.class);
        for (String part : value.split(",")) {
            String name = part.trim();
            if (name.isEmpty()) continue;
            if (name.equalsIgnoreCase("all")) return EnumSet.allOf(Role.class);
            try {
                roles.add(Role.valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("CHIS_ROLES: unknown role '" + name
                        + "' (expected a comma list of api, delivery, worker, scheduler, or all)");
            }
        }
        if (roles.isEmpty()) throw new IllegalArgumentException("CHIS_ROLES names no role");
        return roles;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
