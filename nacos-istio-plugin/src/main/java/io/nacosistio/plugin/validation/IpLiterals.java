package io.nacosistio.plugin.validation;

/** Recognizes IPv4 and IPv6 literals without ever resolving a name. */
public final class IpLiterals {

    private IpLiterals() {
    }

    public static boolean isIp(String s) {
        return isIpv4(s) || isIpv6(s);
    }

    public static boolean isIpv4(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return false;
            }
            for (int i = 0; i < p.length(); i++) {
                if (!Character.isDigit(p.charAt(i))) {
                    return false;
                }
            }
            if (Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    public static boolean isIpv6(String s) {
        if (s == null || s.length() < 2 || s.indexOf(':') < 0) {
            return false;
        }
        String addr = s;
        int zone = addr.indexOf('%');
        if (zone >= 0) {
            if (zone == addr.length() - 1) {
                return false;
            }
            addr = addr.substring(0, zone);
        }
        int groupsNeeded = 8;
        if (addr.indexOf('.') >= 0) {
            int lastColon = addr.lastIndexOf(':');
            if (!isIpv4(addr.substring(lastColon + 1))) {
                return false;
            }
            addr = addr.substring(0, lastColon + 1) + "0";
            groupsNeeded = 7;
        }
        int doubleColon = addr.indexOf("::");
        if (doubleColon >= 0 && addr.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        String[] halves = doubleColon >= 0
                ? new String[] {addr.substring(0, doubleColon), addr.substring(doubleColon + 2)}
                : new String[] {addr};
        int groups = 0;
        for (String half : halves) {
            if (half.isEmpty()) {
                continue;
            }
            for (String g : half.split(":", -1)) {
                if (g.isEmpty() || g.length() > 4) {
                    return false;
                }
                for (int i = 0; i < g.length(); i++) {
                    if (Character.digit(g.charAt(i), 16) < 0) {
                        return false;
                    }
                }
                groups++;
            }
        }
        return doubleColon >= 0 ? groups < groupsNeeded : groups == groupsNeeded;
    }
}
