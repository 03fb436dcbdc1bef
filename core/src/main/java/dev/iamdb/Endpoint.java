package dev.iamdb;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a host name says about the service and region it belongs to. Only names AWS hands out are
 * recognised; IPs, {@code localhost}, tunnels and CNAMEs carry no region and are not the signed host.
 */
record Endpoint(IamService service, String region) {

    /** A region shape, not a list: new regions must work without an SDK upgrade. */
    static final Pattern REGION = Pattern.compile("[a-z]{2,4}(-[a-z]+)+-\\d{1,2}");

    private static final String R = "(?<region>[a-z]{2,4}(?:-[a-z]+)+-\\d{1,2})";
    private static final String LABEL = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?";

    private static final Pattern DSQL = Pattern.compile(
            LABEL + "\\.dsql(?:-" + LABEL + ")?\\." + R + "\\.on\\.aws");

    /**
     * The labels before the region: {@code <name>.<cluster-|cluster-ro-|cluster-custom-|proxy-|shardgrp-><id>}
     * in practice; any labels are accepted so that a new endpoint kind needs no release.
     */
    private static final String RDS_NAME = "(?:" + LABEL + "\\.)+";

    private static final Pattern[] RDS = {
        Pattern.compile(RDS_NAME + R + "\\.rds\\.amazonaws\\.com"),
        Pattern.compile(RDS_NAME + "rds\\." + R + "\\.amazonaws\\.com\\.cn"),
        Pattern.compile(RDS_NAME + R + "\\.rds\\.amazonaws\\.com\\.cn"),
        Pattern.compile(RDS_NAME + "rds\\." + R + "\\.c2s\\.ic\\.gov"),
        Pattern.compile(RDS_NAME + "rds\\." + R + "\\.sc2s\\.sgov\\.gov"),
    };

    /** Global database writer endpoints name no region: the caller must supply it. */
    private static final Pattern RDS_GLOBAL = Pattern.compile(LABEL + "\\.global-[a-z0-9]+\\.global\\.rds\\.amazonaws\\.com");

    /** The recognised endpoint, or {@code null} for a name AWS would not have issued. */
    static Endpoint recognise(String host) {
        String h = normalise(host);
        Matcher m = DSQL.matcher(h);
        if (m.matches()) {
            return new Endpoint(IamService.DSQL, m.group("region"));
        }
        for (Pattern p : RDS) {
            m = p.matcher(h);
            if (m.matches()) {
                return new Endpoint(IamService.RDS, m.group("region"));
            }
        }
        if (RDS_GLOBAL.matcher(h).matches()) {
            return new Endpoint(IamService.RDS, null);
        }
        return null;
    }

    /** Host names compare case-insensitively and may end with the root dot. */
    static String normalise(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
