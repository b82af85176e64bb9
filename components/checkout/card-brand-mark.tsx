import type { CardBrand } from "@/lib/card-input";

/**
 * A card brand's mark, drawn small beside the card number (40 × 26 px). Decorative: the field says the brand in
 * words to screen readers (CardSection). Drawn from shapes and letters, not the networks' artwork.
 */
export function CardBrandMark({ brand, className }: { brand: CardBrand; className?: string }) {
  return (
    <svg className={className} viewBox="0 0 40 26" width="40" height="26" aria-hidden="true" focusable="false">
      <rect
        x="0.5"
        y="0.5"
        width="39"
        height="25"
        rx="4"
        fill={brand === "amex" ? "#1f72cd" : "#fff"}
        stroke="#8a877f"
      />
      {brand === "visa" && (
        <text
          x="20"
          y="17.5"
          textAnchor="middle"
          fontSize="12"
          fontWeight="800"
          fontStyle="italic"
          fontFamily="Arial, sans-serif"
          fill="#1a1f71"
        >
          VISA
        </text>
      )}
      {brand === "mastercard" && (
        <>
          <circle cx="15.5" cy="13" r="7.5" fill="#eb001b" />
          <circle cx="24.5" cy="13" r="7.5" fill="#f79e1b" />
          <path d="M20 7a7.5 7.5 0 0 1 0 12a7.5 7.5 0 0 1 0-12z" fill="#ff5f00" />
        </>
      )}
      {brand === "amex" && (
        <text
          x="20"
          y="16.5"
          textAnchor="middle"
          fontSize="9.5"
          fontWeight="800"
          fontFamily="Arial, sans-serif"
          fill="#fff"
        >
          AMEX
        </text>
      )}
      {brand === "discover" && (
        <>
          <text x="4" y="16" fontSize="7" fontWeight="700" fontFamily="Arial, sans-serif" fill="#231f20">
            DISC
          </text>
          <circle cx="29" cy="13.5" r="4.5" fill="#f48120" />
        </>
      )}
    </svg>
  );
}
