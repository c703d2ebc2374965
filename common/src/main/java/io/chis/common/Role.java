package io.chis.common;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The four roles of the one runtime jar; {@code CHIS_ROLES=all} runs them together, the operator one per Deployment. */
public enum Role {
    API,
    DELIVERY,
    WORKER,
    SCHEDULER;

    /** The name in {@code CHIS_ROLES} and in the operator's component labels. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code CHIS_ROLES}: a comma list of role names, or {@code all} (also when blank). */
    public static Set<Role> parse(String value) {
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("all")) return EnumSet.allOf(Role.class);
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
}
