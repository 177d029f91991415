"""keepalived's keywords per block, as its parsers install them (keepalived v2.2.7, v2.3.3, v2.4.3:
keepalived/core/global_parser.c, vrrp/vrrp_parser.c, check/check_parser.c, check/check_*.c,
trackers/track_file.c, bfd/bfd_parser.c: `install_keyword*` names, their union).

A block is named by its path from the top (`vrrp_instance/authentication`); "" is the top level.
Blocks not listed hold lists (addresses, routes, names) or checker details and are not checked.
"""

from __future__ import annotations

_TABLE = {
    "": (
        "SSL bfd_instance child_wait_time garp_group global_defs instance "
        "interface_up_down_delays linkbeat_interfaces linkbeat_use_polling "
        "namespace_with_ipsets net_namespace net_namespace_ipvs static_ipaddress "
        "static_routes static_rules track_file track_group use_pid_dir virtual_server "
        "virtual_server_group vrrp_instance vrrp_script vrrp_sync_group vrrp_track_file "
        "vrrp_track_process"
    ),
    "global_defs": (
        "bfd_cpu_affinity bfd_no_swap bfd_priority bfd_process_name bfd_rlimit_rtime "
        "bfd_rlimit_rttime bfd_rt_priority checker_cpu_affinity checker_log_all_failures "
        "checker_no_swap checker_priority checker_process_name checker_rlimit_rtime "
        "checker_rlimit_rttime checker_rt_priority config_save_dir data_use_instance "
        "dbus_no_interface_name dbus_service_name default_interface disable_local_igmp "
        "dynamic_interfaces enable_dbus enable_script_security enable_snmp_checker "
        "enable_snmp_keepalived enable_snmp_rfc enable_snmp_rfcv2 enable_snmp_rfcv3 "
        "enable_snmp_vrrp enable_traps fifo_write_vrrp_states_on_reload include_check "
        "iproute_etc_dir iproute_usr_dir json_dump_file json_version log_unknown_vrids "
        "lvs_flush lvs_flush_on_stop lvs_flush_onstop lvs_netlink_cmd_rcv_bufs "
        "lvs_netlink_cmd_rcv_bufs_force lvs_netlink_monitor_rcv_bufs "
        "lvs_netlink_monitor_rcv_bufs_force lvs_notify_fifo lvs_notify_fifo_script "
        "lvs_process_name lvs_sync_daemon lvs_timeouts max_auto_priority "
        "min_auto_priority_delay nftables nftables_counters nftables_ifindex nftables_ipvs "
        "nftables_ipvs_priority nftables_ipvs_start_fwmark nftables_priority "
        "no_checker_emails no_email_faults notification_email notification_email_from "
        "notify_fifo notify_fifo_script process_monitor_rcv_bufs "
        "process_monitor_rcv_bufs_force process_name process_names random_seed "
        "reload_check_config reload_file reload_repeat reload_time_file router_id "
        "rs_init_notifies script_user shutdown_script shutdown_script_timeout smtp_alert "
        "smtp_alert_checker smtp_alert_vrrp smtp_connect_timeout smtp_helo_name smtp_server "
        "snmp_rs_stats_update_interval snmp_socket snmp_vs_stats_update_interval "
        "startup_script startup_script_timeout state_dump_file stats_dump_file "
        "tmp_config_directory umask use_symlink_paths v3_checksum_as_v2 vmac_addr_prefix "
        "vmac_prefix vrrp_check_unicast_src vrrp_cpu_affinity vrrp_delay_after_boot "
        "vrrp_down_timer_adverts vrrp_garp_extra_if vrrp_garp_interval "
        "vrrp_garp_lower_prio_delay vrrp_garp_lower_prio_repeat vrrp_garp_master_delay "
        "vrrp_garp_master_refresh vrrp_garp_master_refresh_repeat vrrp_garp_master_repeat "
        "vrrp_gna_interval vrrp_higher_prio_send_advert vrrp_ipsets vrrp_iptables "
        "vrrp_lower_prio_no_advert vrrp_mcast_group4 vrrp_mcast_group6 vrrp_min_garp "
        "vrrp_netlink_cmd_rcv_bufs vrrp_netlink_cmd_rcv_bufs_force "
        "vrrp_netlink_monitor_rcv_bufs vrrp_netlink_monitor_rcv_bufs_force vrrp_no_swap "
        "vrrp_notify_fifo vrrp_notify_fifo_script vrrp_notify_priority_changes "
        "vrrp_owner_ignore_adverts vrrp_priority vrrp_process_name vrrp_rlimit_rtime "
        "vrrp_rlimit_rttime vrrp_rt_priority vrrp_rx_bufs_multiplier vrrp_rx_bufs_policy "
        "vrrp_skip_check_adv_addr vrrp_startup_delay vrrp_strict vrrp_version "
        "vrrp_vmac_garp_intvl"
    ),
    "vrrp_instance": (
        "accept advert_int auth_hmac authentication check_unicast_src debug "
        "dont_track_primary down_timer_adverts garp_extra_if garp_lower_prio_delay "
        "garp_lower_prio_repeat garp_master_delay garp_master_refresh "
        "garp_master_refresh_repeat garp_master_repeat higher_prio_send_advert interface "
        "kernel_rx_buf_size linkbeat_use_polling lower_prio_no_advert "
        "lvs_sync_daemon_interface mcast_dst_ip mcast_src_ip native_ipv6 no_accept "
        "no_virtual_ipaddress nopreempt notify notify_backup notify_deleted notify_fault "
        "notify_master notify_master_rx_lower_pri notify_priority_changes notify_stop "
        "old_unicast_checksum owner_ignore_adverts preempt preempt_delay priority "
        "promote_secondaries skip_check_adv_addr smtp_alert state strict_mode "
        "thread_timer_expired timer_expired_backup track_bfd track_file track_interface "
        "track_process track_script track_src_ip unicast_fault_no_peer unicast_peer "
        "unicast_src_ip unicast_ttl use_ipvlan use_vmac use_vmac_addr v3_checksum_as_v2 "
        "version virtual_ipaddress virtual_ipaddress_excluded virtual_router_id "
        "virtual_routes virtual_rules vmac_garp_intvl vmac_xmit_base vrf"
    ),
    "vrrp_instance/authentication": (
        "auth_pass auth_type"
    ),
    "vrrp_script": (
        "fall init_fail interval rise script timeout user weight"
    ),
    "vrrp_sync_group": (
        "global_tracking group notify notify_backup notify_fault notify_master "
        "notify_priority_changes notify_stop smtp_alert sync_group_tracking_weight track_bfd "
        "track_file track_interface track_process track_script"
    ),
    "vrrp_track_process": (
        "delay fork_delay full_command param_match process quorum quorum_max terminate_delay "
        "weight"
    ),
    "vrrp_track_file": (
        "file init_file weight"
    ),
    "track_file": (
        "file init_file weight"
    ),
    "garp_group": (
        "garp_interval gna_interval interface interfaces"
    ),
    "virtual_server": (
        "alpha connect_timeout delay_before_retry delay_loop flag-1 flag-2 flag-3 ha_suspend "
        "hashed hysteresis inhibit_on_failure ip_family lb_algo lb_kind lvs_method lvs_sched "
        "mh-fallback mh-port omega ops persistence_engine persistence_granularity "
        "persistence_timeout protocol quorum quorum_down quorum_up real_server retry sh- "
        "fallback sh-port smtp_alert snmp_name sorry_server sorry_server_inhibit "
        "sorry_server_lvs_method virtualhost warmup weight"
    ),
    "virtual_server/real_server": (
        "BFD_CHECK DNS_CHECK FILE_CHECK HTTP_GET MISC_CHECK PING_CHECK SMTP_CHECK SSL_GET "
        "TCP_CHECK UDP_CHECK alpha connect_timeout delay_before_retry delay_loop enable_sni "
        "fast_recovery http_protocol inhibit_on_failure lthreshold lvs_method nb_get_retry "
        "notify_down notify_up retry smtp_alert snmp_name tls_compliant url uthreshold "
        "virtualhost warmup weight"
    ),
    "SSL": (
        "ca certificate key password"
    ),
}

#: Keywords per block path.
KEYWORDS: dict[str, frozenset[str]] = {
    path: frozenset(words.split()) for path, words in _TABLE.items()}
