//! Nothing here: this member exists for its example, `glib_main_loop`.
