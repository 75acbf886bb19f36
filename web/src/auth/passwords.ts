/** The API refuses shorter passwords (NIST SP 800-63B asks for 8 or more; Fundhouse asks 12). */
export const MIN_PASSWORD_LENGTH = 12;
